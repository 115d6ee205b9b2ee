-- Agencies ranked by grant rate (予以公开 / （七）总计) in the latest year of the warehouse,
-- among agencies that handled at least one application that year; highest rate first, then
-- more applications handled, then name. Columns: agency_name, handled, granted, grant_rate (0–1).
SELECT agency_name, applications_handled AS handled, applications_granted AS granted,
       round(grant_rate, 3) AS grant_rate
FROM v_agency_year
WHERE report_year = (SELECT max(report_year) FROM v_agency_year)
  AND applications_handled > 0
ORDER BY grant_rate DESC, handled DESC, agency_name;
