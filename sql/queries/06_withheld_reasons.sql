-- Why information was withheld (（三）不予公开, its eight reasons), summed over every agency and
-- year (总计 column), with the template's label; all eight reasons listed in template order,
-- also those never used (0).
SELECT c.code AS reason, c.label_zh, coalesce(sum(f.value), 0) AS applications
FROM categories c
LEFT JOIN fact_applications f ON f.row_code = c.code AND f.applicant = 'total'
WHERE c.section = 'applications' AND c.dimension = 'row_code' AND c.code LIKE 'withheld_%'
GROUP BY c.code, c.label_zh, c.sort_order
ORDER BY c.sort_order;
