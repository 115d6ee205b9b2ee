-- Who applies: new applications received (一、本年新收) per applicant type and year, summed over
-- the county's agencies, the six applicant columns only (the 总计 column left out), in the
-- template's column order. One row per year and applicant type.
SELECT f.report_year, f.applicant, c.label_zh AS applicant_label, sum(f.value) AS new_applications
FROM fact_applications f
JOIN categories c ON c.section = 'applications' AND c.dimension = 'applicant' AND c.code = f.applicant
WHERE f.row_code = 'new_received' AND f.applicant <> 'total'
GROUP BY f.report_year, f.applicant, c.label_zh, c.sort_order
ORDER BY f.report_year, c.sort_order;
