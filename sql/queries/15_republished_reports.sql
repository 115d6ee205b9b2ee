-- Agencies and years for which more than one document was fetched (a republished report, or
-- the same report as inline HTML and as PDF): every document, which one is current and why it
-- may have lost (status, placed cells). One row per document.
SELECT a.agency_name, r.report_year, r.is_current, r.media_type, r.status, r.facts_placed,
       r.published_on, r.title
FROM reports r
JOIN agencies a USING (agency_id)
WHERE (r.agency_id, r.report_year) IN (
    SELECT (agency_id, report_year) FROM reports GROUP BY agency_id, report_year HAVING count(*) > 1)
ORDER BY a.agency_name, r.report_year, r.is_current DESC;
