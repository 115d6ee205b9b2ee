-- Reports whose printed tables break an identity (findings of severity error): one row per
-- finding with the agency, year, title, check, what disagrees, expected and printed values.
-- This is the reviewers' to-do list; ordered by agency, year, check.
SELECT a.agency_name, q.report_year, r.title, q.check_name, q.detail, q.expected, q.actual
FROM quality_issues q
JOIN reports r USING (report_id)
LEFT JOIN agencies a ON a.agency_id = q.agency_id
WHERE q.severity = 'error'
ORDER BY a.agency_name, q.report_year, q.check_name, q.detail;
