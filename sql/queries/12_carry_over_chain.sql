-- The carry-over chain per agency (总计 column): year N's 二、上年结转 next to year N−1's
-- 四、结转下年度继续办理, for every agency and year whose previous year is in the warehouse.
-- matches is false where both cells have a number and they differ (what the carry_over check
-- reports), NULL where either cell is blank.
SELECT cur.agency_name, cur.report_year,
       prev.value AS carried_forward_last_year, cur.value AS carried_over_this_year,
       prev.value = cur.value AS matches
FROM v_applications cur
JOIN v_applications prev
  ON prev.agency_id = cur.agency_id AND prev.report_year = cur.report_year - 1
 AND prev.row_code = 'carried_forward' AND prev.applicant = 'total'
WHERE cur.row_code = 'carried_over' AND cur.applicant = 'total'
ORDER BY cur.agency_name, cur.report_year;
