-- Administrative fees collected (行政事业性收费, 本年收费金额) in 万元, per agency and year,
-- where the report states the amount (2021 format; 2019 tables count fee items, not money).
-- Ordered by amount, largest first.
SELECT agency_name, report_year, amount_wan_yuan, raw_text
FROM v_proactive
WHERE item = 'administrative_fees' AND measure = 'fee_amount' AND amount_wan_yuan IS NOT NULL
ORDER BY amount_wan_yuan DESC, agency_name, report_year;
