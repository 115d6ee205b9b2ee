-- Administrative reviews and lawsuits about information disclosure per year (all agencies):
-- cases (总计), corrected (结果纠正) and the correction rate (纠正 / 总计) per proceeding.
-- One row per year and proceeding (review, lawsuit_direct, lawsuit_after_review).
SELECT report_year, proceeding, proceeding_label,
       sum(value) FILTER (WHERE outcome = 'total') AS cases,
       sum(value) FILTER (WHERE outcome = 'corrected') AS corrected,
       round(sum(value) FILTER (WHERE outcome = 'corrected')
             / nullif(sum(value) FILTER (WHERE outcome = 'total'), 0), 3) AS correction_rate
FROM v_review_litigation
GROUP BY report_year, proceeding, proceeding_label
ORDER BY report_year, proceeding;
