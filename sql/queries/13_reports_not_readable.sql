-- Reports that could not be read completely (status other than ok), with why: one row per
-- document, newest first. Their agency and year show NULL figures in v_agency_year.
SELECT a.agency_name, r.report_year, r.title, r.media_type, r.status, r.error, r.document_url
FROM reports r
LEFT JOIN agencies a USING (agency_id)
WHERE r.status <> 'ok'
ORDER BY r.published_on DESC NULLS LAST, a.agency_name;
