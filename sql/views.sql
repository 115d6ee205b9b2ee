-- Views for analysts: current reports only, labels joined.

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
