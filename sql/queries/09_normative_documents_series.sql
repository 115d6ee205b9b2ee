-- Normative documents issued per agency and year across the format change: 2019's
-- 规范性文件/本年新制作数量 and 2021's 行政规范性文件/本年制发件数 (the same item code,
-- normative_documents; the measures are mapped to one series, 'issued'). One row per agency
-- and year whose report has the cell, with the measure actually printed.
SELECT agency_name, report_year, format, printed_measure, value AS issued
FROM v_proactive_comparable
WHERE item = 'normative_documents' AND series = 'issued'
ORDER BY agency_name, report_year;
