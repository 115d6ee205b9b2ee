-- Administrative licensing decisions (行政许可 处理决定数量, comparable in both formats) per
-- agency and year with the change against the agency's previous year in the warehouse
-- (NULL for its first year). One row per agency and year.
SELECT agency_name, report_year, value AS decisions,
       value - lag(value) OVER (PARTITION BY agency_id ORDER BY report_year) AS change
FROM v_proactive_comparable
WHERE item = 'administrative_licensing' AND series = 'decisions'
ORDER BY agency_name, report_year;
