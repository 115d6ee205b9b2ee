-- New information-disclosure applications received (一、本年新收, 总计 column) per agency and
-- year: one row per agency and year whose current report has section 三, ordered by agency
-- and year. Columns: agency_name, level, report_year, format, new_applications.
SELECT agency_name, level, report_year, format, value AS new_applications
FROM v_applications
WHERE row_code = 'new_received' AND applicant = 'total'
ORDER BY agency_name, report_year;
