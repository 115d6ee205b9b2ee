-- County totals per year (section 三, 总计 column, current reports only): applications received,
-- handled ((七)总计) and granted ((一)予以公开), and how many agencies reported. One row per
-- county and year, ordered by county and year.
SELECT county, report_year,
       sum(value) FILTER (WHERE row_code = 'new_received') AS received,
       sum(value) FILTER (WHERE row_code = 'results_total') AS handled,
       sum(value) FILTER (WHERE row_code = 'granted') AS granted,
       count(DISTINCT agency_id) AS agencies
FROM v_applications
WHERE applicant = 'total'
GROUP BY county, report_year
ORDER BY county, report_year;
