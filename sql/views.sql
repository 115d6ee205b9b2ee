-- Views for analysts: current reports only (fact_* hold nothing else), labels joined.
-- v_applications, v_proactive, v_review_litigation and v_county_applications are the contract's;
-- v_agency_year, v_applications_comparable and v_proactive_comparable are additions;
-- v_agency_yoy (agency, year, metric, value, previous_value, change, change_pct) is the contract's.

CREATE OR REPLACE VIEW v_applications AS
SELECT f.*, a.agency_name, a.level, c.county, c.county_id, r.format, r.title,
       cr.label_zh AS row_label, ca.label_zh AS applicant_label, cr.sort_order AS row_order
FROM fact_applications f
JOIN reports r USING (report_id)
LEFT JOIN agencies a ON a.agency_id = f.agency_id
LEFT JOIN counties c ON c.county_id = a.county_id
LEFT JOIN categories cr ON cr.section = 'applications' AND cr.dimension = 'row_code' AND cr.code = f.row_code
LEFT JOIN categories ca ON ca.section = 'applications' AND ca.dimension = 'applicant' AND ca.code = f.applicant;

CREATE OR REPLACE VIEW v_proactive AS
SELECT f.*, a.agency_name, a.level, c.county, c.county_id, r.format, r.title,
       ci.label_zh AS item_label, cm.label_zh AS measure_label,
       CASE WHEN f.unit = '万元' THEN f.value
            WHEN f.unit = '元' THEN f.value / 10000.0 END AS amount_wan_yuan
FROM fact_proactive f
JOIN reports r USING (report_id)
LEFT JOIN agencies a ON a.agency_id = f.agency_id
LEFT JOIN counties c ON c.county_id = a.county_id
LEFT JOIN categories ci ON ci.section = 'proactive' AND ci.dimension = 'item' AND ci.code = f.item
LEFT JOIN categories cm ON cm.section = 'proactive' AND cm.dimension = 'measure' AND cm.code = f.measure;

CREATE OR REPLACE VIEW v_review_litigation AS
SELECT f.*, a.agency_name, a.level, c.county, c.county_id, r.format, r.title,
       cp.label_zh AS proceeding_label, co.label_zh AS outcome_label
FROM fact_review_litigation f
JOIN reports r USING (report_id)
LEFT JOIN agencies a ON a.agency_id = f.agency_id
LEFT JOIN counties c ON c.county_id = a.county_id
LEFT JOIN categories cp ON cp.section = 'review_litigation' AND cp.dimension = 'proceeding' AND cp.code = f.proceeding
LEFT JOIN categories co ON co.section = 'review_litigation' AND co.dimension = 'outcome' AND co.code = f.outcome;

CREATE OR REPLACE VIEW v_county_applications AS
SELECT county_id, county, report_year, row_code, applicant,
       SUM(value) AS value, COUNT(DISTINCT report_id) AS reports, COUNT(value) AS cells_with_value
FROM v_applications
GROUP BY ALL;

-- Section 三 as one series across both formats. The template changed only in （六）其他处理:
-- 2019 prints one row (other_total), 2021 three (other_no_correction, other_unpaid_fee,
-- other_other). Here the three 2021 rows fold into other_total (their sum; a printed
-- other_total row wins when a table has both). Every other row_code is the same in both formats.
CREATE OR REPLACE VIEW v_applications_comparable AS
WITH f AS (
    SELECT *, CASE WHEN row_code IN ('other_no_correction', 'other_unpaid_fee', 'other_other')
                   THEN 'other_total' ELSE row_code END AS series_code
    FROM fact_applications
), g AS (
    SELECT report_id, agency_id, report_year, series_code AS row_code, applicant,
           CASE WHEN series_code = 'other_total'
                THEN coalesce(max(value) FILTER (WHERE row_code = 'other_total'),
                              sum(value) FILTER (WHERE row_code <> 'other_total'))
                ELSE max(value) END AS value,
           list(row_code ORDER BY row_code) AS printed_rows,
           count(*) > 1 AS is_sum
    FROM f GROUP BY report_id, agency_id, report_year, series_code, applicant
)
SELECT g.*, a.agency_name, a.level, c.county_id, c.county, r.format,
       cr.label_zh AS row_label, ca.label_zh AS applicant_label, cr.sort_order AS row_order
FROM g
JOIN reports r USING (report_id)
LEFT JOIN agencies a ON a.agency_id = g.agency_id
LEFT JOIN counties c ON c.county_id = a.county_id
LEFT JOIN categories cr ON cr.section = 'applications' AND cr.dimension = 'row_code' AND cr.code = g.row_code
LEFT JOIN categories ca ON ca.section = 'applications' AND ca.dimension = 'applicant' AND ca.code = g.applicant;

-- Section 二 where the two formats measure the same thing. 规范性文件 (2019) and 行政规范性文件
-- (2021) already share the code normative_documents. series 'issued': 2019 本年新制作数量
-- (newly_made) = 2021 本年制发件数 (issued), for regulations and normative_documents;
-- series 'decisions': 处理决定数量 / 本年处理决定数量 (decisions) for licensing, penalty,
-- coercion. Not comparable, so left out: 2019 counts of items and their change against 2021's
-- (none), 对外公开总数量 against 现行有效件数, 2019 fee item counts against 2021's fee amount.
CREATE OR REPLACE VIEW v_proactive_comparable AS
SELECT f.report_id, f.agency_id, f.report_year, f.item,
       CASE WHEN f.measure IN ('newly_made', 'issued') THEN 'issued' ELSE 'decisions' END AS series,
       f.measure AS printed_measure, f.value, f.raw_text,
       a.agency_name, a.level, c.county_id, c.county, r.format, ci.label_zh AS item_label
FROM fact_proactive f
JOIN reports r USING (report_id)
LEFT JOIN agencies a ON a.agency_id = f.agency_id
LEFT JOIN counties c ON c.county_id = a.county_id
LEFT JOIN categories ci ON ci.section = 'proactive' AND ci.dimension = 'item' AND ci.code = f.item
WHERE (f.measure IN ('newly_made', 'issued') AND f.item IN ('regulations', 'normative_documents'))
   OR (f.measure = 'decisions' AND f.item IN ('administrative_licensing', 'administrative_penalty',
                                             'administrative_coercion'));

-- One row per agency and year (its current report), with the headline figures of the three
-- sections as printed in the 总计 column/cells, the rates derived from them, and the report's
-- format, status and finding counts. A report that could not be read has its row with NULL figures.
CREATE OR REPLACE VIEW v_agency_year AS
WITH app AS (
    SELECT report_id,
           max(value) FILTER (WHERE row_code = 'new_received') AS applications_new,
           max(value) FILTER (WHERE row_code = 'carried_over') AS applications_carried_over,
           max(value) FILTER (WHERE row_code = 'granted') AS applications_granted,
           max(value) FILTER (WHERE row_code = 'partially_granted') AS applications_partially_granted,
           max(value) FILTER (WHERE row_code = 'results_total') AS applications_handled,
           max(value) FILTER (WHERE row_code = 'carried_forward') AS applications_carried_forward
    FROM fact_applications WHERE applicant = 'total' GROUP BY report_id
), pro AS (
    SELECT report_id,
           max(value) FILTER (WHERE item = 'normative_documents' AND measure IN ('newly_made', 'issued'))
               AS normative_documents_issued,
           max(value) FILTER (WHERE item = 'administrative_licensing' AND measure = 'decisions')
               AS licensing_decisions,
           max(value) FILTER (WHERE item = 'administrative_penalty' AND measure = 'decisions')
               AS penalty_decisions,
           max(value) FILTER (WHERE item = 'administrative_coercion' AND measure = 'decisions')
               AS coercion_decisions,
           max(CASE WHEN unit = '万元' THEN value WHEN unit = '元' THEN value / 10000.0 END)
               FILTER (WHERE item = 'administrative_fees' AND measure = 'fee_amount')
               AS fees_wan_yuan
    FROM fact_proactive GROUP BY report_id
), rl AS (
    SELECT report_id,
           max(value) FILTER (WHERE proceeding = 'review' AND outcome = 'total') AS reviews,
           max(value) FILTER (WHERE proceeding = 'review' AND outcome = 'corrected') AS reviews_corrected,
           sum(value) FILTER (WHERE proceeding <> 'review' AND outcome = 'total') AS lawsuits,
           sum(value) FILTER (WHERE proceeding <> 'review' AND outcome = 'corrected') AS lawsuits_corrected
    FROM fact_review_litigation GROUP BY report_id
), qi AS (
    SELECT report_id, count(*) FILTER (WHERE severity = 'error') AS findings_error,
           count(*) FILTER (WHERE severity = 'warning') AS findings_warning
    FROM quality_issues GROUP BY report_id
)
SELECT r.agency_id, a.agency_name, a.level, c.county_id, c.county, r.report_year,
       r.report_id, r.format, r.status, r.media_type, r.published_on, r.title,
       app.applications_new, app.applications_carried_over, app.applications_granted,
       app.applications_partially_granted, app.applications_handled,
       app.applications_carried_forward,
       app.applications_granted / nullif(app.applications_handled, 0) AS grant_rate,
       (app.applications_granted + app.applications_partially_granted)
           / nullif(app.applications_handled, 0) AS grant_or_partial_rate,
       pro.normative_documents_issued, pro.licensing_decisions, pro.penalty_decisions,
       pro.coercion_decisions, pro.fees_wan_yuan,
       rl.reviews, rl.reviews_corrected,
       rl.reviews_corrected / nullif(rl.reviews, 0) AS review_correction_rate,
       rl.lawsuits, rl.lawsuits_corrected,
       rl.lawsuits_corrected / nullif(rl.lawsuits, 0) AS lawsuit_correction_rate,
       coalesce(qi.findings_error, 0) AS findings_error,
       coalesce(qi.findings_warning, 0) AS findings_warning,
       r.cells_unmapped
FROM reports r
LEFT JOIN agencies a ON a.agency_id = r.agency_id
LEFT JOIN counties c ON c.county_id = a.county_id
LEFT JOIN app USING (report_id)
LEFT JOIN pro USING (report_id)
LEFT JOIN rl USING (report_id)
LEFT JOIN qi USING (report_id)
WHERE r.is_current;

-- Year on year: per agency, year and headline figure (the printed 总计 cells of 三 and 四, the
-- comparable counts of 二, from v_agency_year), its value and the same agency's value of the
-- year before. change_pct is in percent; NULL where the year before is missing, blank or 0.
CREATE OR REPLACE VIEW v_agency_yoy AS
WITH m AS (
    SELECT agency_id, agency_name, county_id, county, report_year, report_id, metric, value
    FROM v_agency_year
    UNPIVOT INCLUDE NULLS (value FOR metric IN (
        applications_new, applications_carried_over, applications_granted,
        applications_partially_granted, applications_handled, applications_carried_forward,
        normative_documents_issued, licensing_decisions, penalty_decisions, coercion_decisions,
        fees_wan_yuan, reviews, lawsuits))
)
SELECT cur.agency_name AS agency, cur.agency_id, cur.county, cur.county_id,
       cur.report_year AS year, cur.metric,
       CASE cur.metric
           WHEN 'applications_new' THEN '三：本年新收申请'
           WHEN 'applications_carried_over' THEN '三：上年结转申请'
           WHEN 'applications_granted' THEN '三：予以公开'
           WHEN 'applications_partially_granted' THEN '三：部分公开'
           WHEN 'applications_handled' THEN '三：办理结果总计'
           WHEN 'applications_carried_forward' THEN '三：结转下年度'
           WHEN 'normative_documents_issued' THEN '二：规范性文件制发'
           WHEN 'licensing_decisions' THEN '二：行政许可决定'
           WHEN 'penalty_decisions' THEN '二：行政处罚决定'
           WHEN 'coercion_decisions' THEN '二：行政强制决定'
           WHEN 'fees_wan_yuan' THEN '二：行政事业性收费（万元）'
           WHEN 'reviews' THEN '四：行政复议'
           WHEN 'lawsuits' THEN '四：行政诉讼'
       END AS metric_label,
       CAST(cur.value AS DOUBLE) AS value,
       CAST(prev.value AS DOUBLE) AS previous_value,
       CAST(cur.value AS DOUBLE) - CAST(prev.value AS DOUBLE) AS change,
       round(100.0 * (CAST(cur.value AS DOUBLE) - CAST(prev.value AS DOUBLE))
             / nullif(CAST(prev.value AS DOUBLE), 0), 1) AS change_pct,
       cur.report_id, prev.report_id AS previous_report_id
FROM m cur
LEFT JOIN m prev ON prev.agency_id = cur.agency_id AND prev.metric = cur.metric
                AND prev.report_year = cur.report_year - 1
WHERE cur.agency_id IS NOT NULL;

COMMENT ON VIEW v_applications IS 'fact_applications of current reports with agency, county, format and the Chinese labels of row and applicant; row_order is the template order.';
COMMENT ON VIEW v_proactive IS 'fact_proactive of current reports with agency, county, format, labels, and amount_wan_yuan (the value in 万元 where the unit is known).';
COMMENT ON VIEW v_review_litigation IS 'fact_review_litigation of current reports with agency, county, format and labels.';
COMMENT ON VIEW v_county_applications IS 'Section 三 summed per county, year, row_code and applicant (current reports only), with the number of reports and of cells with a number.';
COMMENT ON VIEW v_applications_comparable IS 'Section 三 as one series across formats: 2021''s three （六） rows folded into other_total (their sum; is_sum true, printed_rows lists them). Other rows are the same in both formats.';
COMMENT ON VIEW v_proactive_comparable IS 'Section 二 measures the two formats share: series issued (2019 newly_made = 2021 issued) for regulations and normative_documents (规范性文件 and 行政规范性文件 are one code), series decisions for licensing, penalty and coercion.';
COMMENT ON VIEW v_agency_year IS 'One row per agency and year (its current report): headline figures of sections 二, 三 and 四 (the printed 总计 cells), grant rate = 予以公开 / （七）总计, correction rate = 结果纠正 / 总计 (lawsuits: both kinds together), format, status, error and warning findings, unmapped cells.';
COMMENT ON VIEW v_agency_yoy IS 'Year on year per agency and headline figure of sections 二, 三 and 四 (v_agency_year''s): value, previous_value (the same agency, year − 1), change and change_pct (percent; NULL when the previous value is missing or 0). metric_label is the figure in Chinese.';
