-- （六）其他处理 as one series across the format change: 2019 reports print one row, 2021
-- reports three (逾期不补正, 逾期未缴费, 其他) that are summed here. One row per agency and year
-- (总计 column) with the format, the comparable value and whether it is a sum of printed rows.
SELECT agency_name, report_year, format, value AS other_handling, is_sum, printed_rows
FROM v_applications_comparable
WHERE row_code = 'other_total' AND applicant = 'total'
ORDER BY agency_name, report_year;
