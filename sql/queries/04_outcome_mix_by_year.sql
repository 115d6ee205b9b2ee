-- How applications were handled, per year across all agencies: the results of section 三
-- grouped into the template's six outcome groups (（一）予以公开 … （六）其他处理), 总计 column,
-- with each group's share of the year's sum over the groups (which is the （七）总计 wherever
-- identity I3 holds). Comparable across the 2019 and 2021
-- formats (2021's three （六） rows are summed into other). One row per year and group.
WITH grouped AS (
    SELECT report_year,
           CASE WHEN row_code = 'granted' THEN '1 granted'
                WHEN row_code = 'partially_granted' THEN '2 partially_granted'
                WHEN row_code LIKE 'withheld_%' THEN '3 withheld'
                WHEN row_code LIKE 'unavailable_%' THEN '4 unavailable'
                WHEN row_code LIKE 'not_processed_%' THEN '5 not_processed'
                WHEN row_code = 'other_total' THEN '6 other' END AS outcome_group,
           value
    FROM v_applications_comparable
    WHERE applicant = 'total'
)
SELECT report_year, outcome_group, sum(value) AS applications,
       round(sum(value) / sum(sum(value)) OVER (PARTITION BY report_year), 3) AS share
FROM grouped
WHERE outcome_group IS NOT NULL
GROUP BY report_year, outcome_group
ORDER BY report_year, outcome_group;
