-- gongkai warehouse: the tables of the contract (../shared/warehouse-contract.md).
-- Built into a fresh file by the loader (pipelines/load/warehouse.py) and swapped in atomically;
-- analysts open the published file read-only. The COMMENT ON statements at the end are the
-- source of sql/DATA_DICTIONARY.md (python sql/make_data_dictionary.py regenerates it).
--
-- Code columns carry CHECK constraints listing the template's codes and the contract's enums.
-- Those lists are generated from the registry (pipelines/core/registry.py, spec.py, models.py):
-- `python -m pipelines.load.ddl` rewrites them here, the loader executes the generated text, and
-- tests/unit/test_registry.py fails when this file is not current. Do not edit them by hand.

CREATE TABLE counties (
    county_id      VARCHAR PRIMARY KEY,
    county         VARCHAR NOT NULL,
    prefecture     VARCHAR,
    province       VARCHAR,
    division_code  VARCHAR
);

CREATE TABLE agencies (
    agency_id     VARCHAR PRIMARY KEY,
    agency_name   VARCHAR NOT NULL,
    county_id     VARCHAR NOT NULL,
    level         VARCHAR NOT NULL CHECK (level IN ('county_government', 'department', 'town',
                                                    'township', 'subdistrict', 'other')),
    name_variants VARCHAR[],
    on_roster     BOOLEAN                  -- listed in its source's agencies = [...] (expected to publish)
);

CREATE TABLE reports (
    report_id     VARCHAR PRIMARY KEY,
    agency_id     VARCHAR,
    report_year   INTEGER CHECK (report_year BETWEEN 2000 AND 2100),
    format        VARCHAR NOT NULL CHECK (format IN ('2019', '2021', 'unknown')),
    title         VARCHAR,
    page_url      VARCHAR,
    document_url  VARCHAR,
    media_type    VARCHAR NOT NULL CHECK (media_type IN ('pdf', 'html', 'docx', 'doc', 'other')),
    sha256        VARCHAR,
    pages         INTEGER,
    published_on  DATE,
    fetched_at    TIMESTAMP,
    status        VARCHAR NOT NULL CHECK (status IN ('ok', 'partial', 'failed', 'needs_ocr', 'unsupported')),
    error         VARCHAR,
    is_current    BOOLEAN NOT NULL,
    first_seen    TIMESTAMP NOT NULL,
    last_seen     TIMESTAMP NOT NULL CHECK (last_seen >= first_seen),
    county_id     VARCHAR,
    extractor_version VARCHAR,
    facts_placed  INTEGER NOT NULL DEFAULT 0,
    cells_unmapped INTEGER NOT NULL DEFAULT 0,
    publisher     VARCHAR,
    index_no      VARCHAR,
    doc_no        VARCHAR,
    read_by       VARCHAR CHECK (read_by IN ('text', 'html', 'docx', 'ocr')),
    CHECK (NOT is_current OR (agency_id IS NOT NULL AND report_year IS NOT NULL))
);

CREATE TABLE fact_applications (
    report_id   VARCHAR NOT NULL,
    agency_id   VARCHAR,
    report_year INTEGER,
    row_code    VARCHAR NOT NULL CHECK (row_code IN (
        'new_received', 'carried_over', 'granted', 'partially_granted', 'withheld_state_secret',
        'withheld_prohibited_by_law', 'withheld_three_safeties', 'withheld_third_party',
        'withheld_internal_affairs', 'withheld_process_info', 'withheld_enforcement_file',
        'withheld_query_matter', 'unavailable_not_held', 'unavailable_needs_creation',
        'unavailable_unclear', 'not_processed_petition', 'not_processed_duplicate',
        'not_processed_publication', 'not_processed_excessive', 'not_processed_confirmation',
        'other_total', 'other_no_correction', 'other_unpaid_fee', 'other_other', 'results_total',
        'carried_forward')),
    applicant   VARCHAR NOT NULL CHECK (applicant IN (
        'natural_person', 'commercial_enterprise', 'research_institution', 'social_welfare_org',
        'legal_service_org', 'other_org', 'total')),
    value       BIGINT,
    raw_text    VARCHAR NOT NULL,
    page        INTEGER,
    confidence  DOUBLE,
    bbox        DOUBLE[4],                       -- PDF points [x0, top, x1, bottom] from the page's top-left
    correction_id VARCHAR,                       -- corrections.correction_id when a correction set value
    PRIMARY KEY (report_id, row_code, applicant)
);

CREATE TABLE fact_proactive (
    report_id   VARCHAR NOT NULL,
    agency_id   VARCHAR,
    report_year INTEGER,
    item        VARCHAR NOT NULL CHECK (item IN (
        'regulations', 'normative_documents', 'administrative_licensing',
        'other_external_services', 'administrative_penalty', 'administrative_coercion',
        'administrative_fees', 'centralized_procurement')),
    measure     VARCHAR NOT NULL CHECK (measure IN (
        'newly_made', 'newly_published', 'total_published', 'previous_year_items', 'change',
        'decisions', 'procurement_items', 'procurement_amount', 'issued', 'abolished', 'in_force',
        'fee_amount')),
    value       DOUBLE,
    unit        VARCHAR,
    raw_text    VARCHAR NOT NULL,
    page        INTEGER,
    confidence  DOUBLE,
    bbox        DOUBLE[4],                       -- PDF points [x0, top, x1, bottom] from the page's top-left
    correction_id VARCHAR,                       -- corrections.correction_id when a correction set value
    PRIMARY KEY (report_id, item, measure)
);

CREATE TABLE fact_review_litigation (
    report_id   VARCHAR NOT NULL,
    agency_id   VARCHAR,
    report_year INTEGER,
    proceeding  VARCHAR NOT NULL CHECK (proceeding IN ('review', 'lawsuit_direct', 'lawsuit_after_review')),
    outcome     VARCHAR NOT NULL CHECK (outcome IN ('upheld', 'corrected', 'other', 'pending', 'total')),
    value       BIGINT,
    raw_text    VARCHAR NOT NULL,
    page        INTEGER,
    confidence  DOUBLE,
    bbox        DOUBLE[4],                       -- PDF points [x0, top, x1, bottom] from the page's top-left
    correction_id VARCHAR,                       -- corrections.correction_id when a correction set value
    PRIMARY KEY (report_id, proceeding, outcome)
);

-- Facts of every report that is not current: same columns, keys and checks as their twins,
-- so a plain SUM over fact_* never double counts and nothing fetched is thrown away.
CREATE TABLE fact_applications_superseded (
    report_id   VARCHAR NOT NULL,
    agency_id   VARCHAR,
    report_year INTEGER,
    row_code    VARCHAR NOT NULL,
    applicant   VARCHAR NOT NULL,
    value       BIGINT,
    raw_text    VARCHAR NOT NULL,
    page        INTEGER,
    confidence  DOUBLE,
    bbox        DOUBLE[4],                       -- PDF points [x0, top, x1, bottom] from the page's top-left
    correction_id VARCHAR,                       -- corrections.correction_id when a correction set value
    PRIMARY KEY (report_id, row_code, applicant)
);

CREATE TABLE fact_proactive_superseded (
    report_id   VARCHAR NOT NULL,
    agency_id   VARCHAR,
    report_year INTEGER,
    item        VARCHAR NOT NULL,
    measure     VARCHAR NOT NULL,
    value       DOUBLE,
    unit        VARCHAR,
    raw_text    VARCHAR NOT NULL,
    page        INTEGER,
    confidence  DOUBLE,
    bbox        DOUBLE[4],                       -- PDF points [x0, top, x1, bottom] from the page's top-left
    correction_id VARCHAR,                       -- corrections.correction_id when a correction set value
    PRIMARY KEY (report_id, item, measure)
);

CREATE TABLE fact_review_litigation_superseded (
    report_id   VARCHAR NOT NULL,
    agency_id   VARCHAR,
    report_year INTEGER,
    proceeding  VARCHAR NOT NULL,
    outcome     VARCHAR NOT NULL,
    value       BIGINT,
    raw_text    VARCHAR NOT NULL,
    page        INTEGER,
    confidence  DOUBLE,
    bbox        DOUBLE[4],                       -- PDF points [x0, top, x1, bottom] from the page's top-left
    correction_id VARCHAR,                       -- corrections.correction_id when a correction set value
    PRIMARY KEY (report_id, proceeding, outcome)
);

CREATE TABLE categories (
    section    VARCHAR NOT NULL CHECK (section IN ('applications', 'proactive', 'review_litigation')),
    dimension  VARCHAR NOT NULL,
    code       VARCHAR NOT NULL,
    label_zh   VARCHAR NOT NULL,
    formats    VARCHAR NOT NULL CHECK (formats IN ('2019,2021', '2019', '2021')),
    sort_order INTEGER NOT NULL,
    PRIMARY KEY (section, dimension, code)
);

CREATE TABLE quality_issues (
    report_id   VARCHAR,
    agency_id   VARCHAR,
    report_year INTEGER,
    check_name  VARCHAR NOT NULL,
    severity    VARCHAR NOT NULL CHECK (severity IN ('error', 'warning')),
    section     VARCHAR,
    detail      VARCHAR NOT NULL,
    expected    DOUBLE,
    actual      DOUBLE,
    cells       VARCHAR,                         -- the cells involved: 'fact_applications:granted/total;granted/natural_person'
    page        INTEGER,                         -- the source page of those cells (NULL for HTML)
    county_id   VARCHAR                          -- the county (crawl findings have no agency)
);

CREATE TABLE unmapped_cells (
    report_id VARCHAR NOT NULL,
    section   VARCHAR NOT NULL,
    label     VARCHAR,
    raw_text  VARCHAR,
    page      INTEGER,
    reason    VARCHAR NOT NULL,
    resolved_by VARCHAR                      -- the correction that supplied this cell's value
);

CREATE TABLE corrections (
    correction_id    VARCHAR PRIMARY KEY,
    line             INTEGER NOT NULL,
    sha256           VARCHAR,
    report_id        VARCHAR,
    table_name       VARCHAR,
    row_code         VARCHAR,
    applicant        VARCHAR,
    item             VARCHAR,
    measure          VARCHAR,
    proceeding       VARCHAR,
    outcome          VARCHAR,
    value            VARCHAR,
    reason           VARCHAR,
    author           VARCHAR,
    date             VARCHAR,
    status           VARCHAR NOT NULL CHECK (status IN ('applied', 'rejected')),
    rejected_because VARCHAR,
    previous_value   DOUBLE,
    raw_text         VARCHAR,
    created_fact     BOOLEAN
);

CREATE TABLE crawl_log (
    url           VARCHAR NOT NULL,
    status        INTEGER,
    etag          VARCHAR,
    last_modified VARCHAR,
    sha256        VARCHAR,
    fetched_at    TIMESTAMP,
    error         VARCHAR,
    bytes         BIGINT,
    elapsed_ms    DOUBLE,
    county        VARCHAR,
    stage         VARCHAR,
    content_type  VARCHAR,
    note          VARCHAR,
    pattern       VARCHAR,
    method        VARCHAR
);

CREATE TABLE runs (
    run_id            VARCHAR PRIMARY KEY,
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP,
    extractor_version VARCHAR NOT NULL,
    reports_seen      INTEGER NOT NULL CHECK (reports_seen >= 0),
    reports_new       INTEGER NOT NULL CHECK (reports_new >= 0),
    reports_changed   INTEGER NOT NULL CHECK (reports_changed >= 0),
    reports_failed    INTEGER NOT NULL CHECK (reports_failed >= 0)
);

-- Documentation: read by sql/make_data_dictionary.py into sql/DATA_DICTIONARY.md.

COMMENT ON TABLE counties IS 'One row per county (county, county-level city or district) of the sources file, kept across runs.';
COMMENT ON COLUMN counties.county_id IS 'Stable id derived from the county''s name (cn_ + hash).';
COMMENT ON COLUMN counties.county IS 'The county''s name as the sources file gives it (青山县).';
COMMENT ON COLUMN counties.prefecture IS 'The prefecture-level city (地级市), when the sources file gives it.';
COMMENT ON COLUMN counties.province IS 'The province, when the sources file gives it.';
COMMENT ON COLUMN counties.division_code IS 'GB/T 2260 administrative division code, when the sources file gives it.';

COMMENT ON TABLE agencies IS 'One row per reporting agency (government, department, town, township, sub-district, ...).';
COMMENT ON COLUMN agencies.agency_id IS 'Stable across runs, years and spellings of the name.';
COMMENT ON COLUMN agencies.agency_name IS 'The fullest official form among its titles and documents (柱濮镇人民政府, not 柱濮镇).';
COMMENT ON COLUMN agencies.county_id IS 'The county whose portal publishes its reports (counties.county_id).';
COMMENT ON COLUMN agencies.level IS 'county_government, department, town (镇), township (乡), subdistrict (街道) or other (管委会, ...).';
COMMENT ON COLUMN agencies.name_variants IS 'Every spelling of the name seen in titles and documents.';

COMMENT ON COLUMN agencies.on_roster IS 'True when the sources file lists the agency in its county''s agencies = [...] (the roster behind the roster_missing warning); an agency on the roster that never published has a row too.';

COMMENT ON TABLE reports IS 'One row per fetched report document, cumulative across runs. Exactly one report per agency and year is current; only current reports have facts in fact_*.';
COMMENT ON COLUMN reports.report_id IS 'From the content: the file''s sha256; for an inline HTML report h + a hash of the report''s own text; u + a hash of the URL when the download failed.';
COMMENT ON COLUMN reports.agency_id IS 'The agency the report is by (agencies.agency_id); NULL only when no title or document names it.';
COMMENT ON COLUMN reports.report_year IS 'The year the report covers (not the year it was published).';
COMMENT ON COLUMN reports.format IS 'The national table format read from the header words: 2019 (国办公开办函〔2019〕60号), 2021 (〔2021〕30号) or unknown.';
COMMENT ON COLUMN reports.title IS 'The report''s title as the portal lists it.';
COMMENT ON COLUMN reports.page_url IS 'The detail page that carries or links the document.';
COMMENT ON COLUMN reports.document_url IS 'Where the document was fetched from (the detail page itself for an inline HTML report).';
COMMENT ON COLUMN reports.media_type IS 'pdf, html, docx, doc or other.';
COMMENT ON COLUMN reports.sha256 IS 'sha256 of the stored bytes (raw/<sha256[:2]>/<sha256>); NULL when the download failed.';
COMMENT ON COLUMN reports.pages IS 'Number of pages of a PDF; NULL for HTML.';
COMMENT ON COLUMN reports.published_on IS 'The publication date the portal lists; where the list gives none, the 发布日期 of the detail page''s metadata table.';
COMMENT ON COLUMN reports.fetched_at IS 'When the document was last fetched.';
COMMENT ON COLUMN reports.status IS 'ok, partial (some cells could not be placed: see unmapped_cells), failed (see error), needs_ocr (no text layer) or unsupported.';
COMMENT ON COLUMN reports.error IS 'Why the report is not ok, in words.';
COMMENT ON COLUMN reports.is_current IS 'The report that stands for its agency and year: the latest publication, then the form that reads better.';
COMMENT ON COLUMN reports.first_seen IS 'When a run first saw this document.';
COMMENT ON COLUMN reports.last_seen IS 'When a run last saw it on its portal (older when it has disappeared since).';
COMMENT ON COLUMN reports.county_id IS 'The county of the source whose portal listed it.';
COMMENT ON COLUMN reports.extractor_version IS 'Digest of the extraction code that read it.';
COMMENT ON COLUMN reports.facts_placed IS 'Number of cells with a number placed into fact tables.';
COMMENT ON COLUMN reports.cells_unmapped IS 'Number of cells or rows that went to unmapped_cells.';
COMMENT ON COLUMN reports.publisher IS 'The publishing body (发布机构) from the detail page''s metadata table; NULL where the page has none.';
COMMENT ON COLUMN reports.index_no IS 'The index number (索引号) from the detail page''s metadata table; NULL where the page has none.';
COMMENT ON COLUMN reports.doc_no IS 'The document number (文号) from the detail page''s metadata table; NULL where the page has none or leaves it blank.';
COMMENT ON COLUMN reports.read_by IS 'How the report was read: text (a PDF''s text layer), html, docx, or ocr (a scanned PDF: only values the table''s arithmetic confirms are facts); NULL when nothing could be read.';

COMMENT ON TABLE fact_applications IS 'Section 三 (收到和处理政府信息公开申请情况): one row per printed cell, row_code × applicant, current reports only.';
COMMENT ON COLUMN fact_applications.report_id IS 'The report the cell was read from (reports.report_id).';
COMMENT ON COLUMN fact_applications.agency_id IS 'The report''s agency (agencies.agency_id).';
COMMENT ON COLUMN fact_applications.report_year IS 'The year the report covers.';
COMMENT ON COLUMN fact_applications.row_code IS 'The table row, in template order (categories: applications/row_code).';
COMMENT ON COLUMN fact_applications.applicant IS 'The applicant column (categories: applications/applicant).';
COMMENT ON COLUMN fact_applications.value IS 'The number printed; NULL for a blank, "/", "-", "—" or text that is not a number.';
COMMENT ON COLUMN fact_applications.raw_text IS 'The cell as read ('''' for a blank).';
COMMENT ON COLUMN fact_applications.page IS 'PDF page the cell is on; NULL for HTML.';
COMMENT ON COLUMN fact_applications.confidence IS 'OCR recognition confidence of the cell (the lowest character probability, 0–1); NULL unless the report was read by OCR.';

COMMENT ON TABLE fact_proactive IS 'Section 二 (主动公开政府信息情况): one row per printed cell, item × measure, current reports only.';
COMMENT ON COLUMN fact_proactive.report_id IS 'The report the cell was read from (reports.report_id).';
COMMENT ON COLUMN fact_proactive.agency_id IS 'The report''s agency (agencies.agency_id).';
COMMENT ON COLUMN fact_proactive.report_year IS 'The year the report covers.';
COMMENT ON COLUMN fact_proactive.item IS 'The table row (categories: proactive/item). 规范性文件 (2019) and 行政规范性文件 (2021) are one code, normative_documents.';
COMMENT ON COLUMN fact_proactive.measure IS 'The value column (categories: proactive/measure); the two formats have different measures.';
COMMENT ON COLUMN fact_proactive.value IS 'The number printed ("减少8" → -8, "251000元" → 251000); NULL for a blank or text.';
COMMENT ON COLUMN fact_proactive.unit IS '元 or 万元 when the cell or its column header states it, else NULL (2019 procurement amounts state none).';
COMMENT ON COLUMN fact_proactive.raw_text IS 'The cell as read ('''' for a blank).';
COMMENT ON COLUMN fact_proactive.page IS 'PDF page the cell is on; NULL for HTML.';
COMMENT ON COLUMN fact_proactive.confidence IS 'OCR recognition confidence of the cell (the lowest character probability, 0–1); NULL unless the report was read by OCR.';

COMMENT ON TABLE fact_review_litigation IS 'Section 四 (行政复议、行政诉讼情况): one row per printed cell, proceeding × outcome, current reports only.';
COMMENT ON COLUMN fact_review_litigation.report_id IS 'The report the cell was read from (reports.report_id).';
COMMENT ON COLUMN fact_review_litigation.agency_id IS 'The report''s agency (agencies.agency_id).';
COMMENT ON COLUMN fact_review_litigation.report_year IS 'The year the report covers.';
COMMENT ON COLUMN fact_review_litigation.proceeding IS 'review (行政复议), lawsuit_direct (未经复议直接起诉), lawsuit_after_review (复议后起诉).';
COMMENT ON COLUMN fact_review_litigation.outcome IS 'upheld, corrected, other, pending, total.';
COMMENT ON COLUMN fact_review_litigation.value IS 'The number printed; NULL for a blank or text.';
COMMENT ON COLUMN fact_review_litigation.raw_text IS 'The cell as read ('''' for a blank).';
COMMENT ON COLUMN fact_review_litigation.page IS 'PDF page the cell is on; NULL for HTML.';
COMMENT ON COLUMN fact_review_litigation.confidence IS 'OCR recognition confidence of the cell (the lowest character probability, 0–1); NULL unless the report was read by OCR.';

COMMENT ON COLUMN fact_applications.bbox IS 'The cell''s box on its page: PDF points [x0, top, x1, bottom] from the page''s top-left corner (from the table''s ruling); NULL for HTML and DOCX.';
COMMENT ON COLUMN fact_applications.correction_id IS 'NULL unless a row of the corrections file set value (corrections.correction_id); raw_text stays as printed.';
COMMENT ON COLUMN fact_proactive.bbox IS 'The cell''s box on its page: PDF points [x0, top, x1, bottom] from the page''s top-left corner (from the table''s ruling); NULL for HTML and DOCX.';
COMMENT ON COLUMN fact_proactive.correction_id IS 'NULL unless a row of the corrections file set value (corrections.correction_id); raw_text stays as printed.';
COMMENT ON COLUMN fact_review_litigation.bbox IS 'The cell''s box on its page: PDF points [x0, top, x1, bottom] from the page''s top-left corner (from the table''s ruling); NULL for HTML and DOCX.';
COMMENT ON COLUMN fact_review_litigation.correction_id IS 'NULL unless a row of the corrections file set value (corrections.correction_id); raw_text stays as printed.';

COMMENT ON TABLE fact_applications_superseded IS 'fact_applications'' columns for every report that is not current (an older publication, the weaker form of the same one).';
COMMENT ON TABLE fact_proactive_superseded IS 'fact_proactive''s columns for every report that is not current.';
COMMENT ON TABLE fact_review_litigation_superseded IS 'fact_review_litigation''s columns for every report that is not current.';

COMMENT ON TABLE categories IS 'The template''s code lists with their Chinese labels, for both formats (from pipelines/spec.py).';
COMMENT ON COLUMN categories.section IS 'applications (三), proactive (二) or review_litigation (四).';
COMMENT ON COLUMN categories.dimension IS 'The fact column the code belongs to (row_code, applicant, item, measure, proceeding, outcome).';
COMMENT ON COLUMN categories.code IS 'The code stored in the fact tables.';
COMMENT ON COLUMN categories.label_zh IS 'The label the national template prints.';
COMMENT ON COLUMN categories.formats IS 'Formats whose tables have it: 2019,2021 / 2019 / 2021.';
COMMENT ON COLUMN categories.sort_order IS 'Order in the template, within its section and dimension.';

COMMENT ON TABLE quality_issues IS 'One row per failing comparison of a data-quality check (identities I1–I4, carry_over, cells that are not numbers, ...).';
COMMENT ON COLUMN quality_issues.report_id IS 'The report whose printed cells disagree (carry_over: year N''s).';
COMMENT ON COLUMN quality_issues.agency_id IS 'The report''s agency.';
COMMENT ON COLUMN quality_issues.report_year IS 'The year the report covers.';
COMMENT ON COLUMN quality_issues.check_name IS 'applications_balance (I1), applications_row_total (I2), applications_results_total (I3), review_litigation_total (I4), carry_over, cell_not_number, ...';
COMMENT ON COLUMN quality_issues.severity IS 'error (arithmetic that does not hold) or warning.';
COMMENT ON COLUMN quality_issues.section IS 'applications, proactive or review_litigation.';
COMMENT ON COLUMN quality_issues.detail IS 'What disagrees, in words.';
COMMENT ON COLUMN quality_issues.expected IS 'The value the identity asks for.';
COMMENT ON COLUMN quality_issues.actual IS 'The value printed.';
COMMENT ON COLUMN quality_issues.cells IS 'The printed cells the finding involves, as table:dim1/dim2 pairs separated by semicolons.';
COMMENT ON COLUMN quality_issues.county_id IS 'The county of the finding (for crawl_empty, which has no report or agency, the source''s county).';
COMMENT ON COLUMN quality_issues.page IS 'The source page of those cells; NULL for HTML reports or when no single page holds them.';

COMMENT ON TABLE unmapped_cells IS 'Every table cell or row the normaliser could not place: nothing read is silently dropped. Its report is partial.';
COMMENT ON COLUMN unmapped_cells.report_id IS 'The report it was read from.';
COMMENT ON COLUMN unmapped_cells.section IS 'applications, proactive or review_litigation.';
COMMENT ON COLUMN unmapped_cells.label IS 'The row label next to it, as read.';
COMMENT ON COLUMN unmapped_cells.raw_text IS 'The cell as read.';
COMMENT ON COLUMN unmapped_cells.page IS 'PDF page; NULL for HTML.';
COMMENT ON COLUMN unmapped_cells.reason IS 'Why it could not be placed.';
COMMENT ON COLUMN unmapped_cells.resolved_by IS 'The correction (corrections.correction_id) that supplied this cell''s value as a fact; NULL while unresolved.';

COMMENT ON TABLE corrections IS 'Every row of the corrections file (<data-dir>/corrections.csv, --corrections, GONGKAI_CORRECTIONS), applied or rejected with the reason: the audit trail of values a reviewer changed.';
COMMENT ON COLUMN corrections.correction_id IS 'Stable id of the row (a digest of its content); set on the fact it corrected (fact_*.correction_id) and on the unmapped cell it resolved.';
COMMENT ON COLUMN corrections.line IS 'Line of the corrections file (1 is the header).';
COMMENT ON COLUMN corrections.sha256 IS 'The document as written in the file: its sha256 (or the report_id).';
COMMENT ON COLUMN corrections.report_id IS 'The report it names; NULL when the document is unknown.';
COMMENT ON COLUMN corrections.table_name IS 'fact_applications, fact_proactive or fact_review_litigation (the file''s table column).';
COMMENT ON COLUMN corrections.row_code IS 'fact_applications: the row.';
COMMENT ON COLUMN corrections.applicant IS 'fact_applications: the applicant column.';
COMMENT ON COLUMN corrections.item IS 'fact_proactive: the row.';
COMMENT ON COLUMN corrections.measure IS 'fact_proactive: the column.';
COMMENT ON COLUMN corrections.proceeding IS 'fact_review_litigation: the block.';
COMMENT ON COLUMN corrections.outcome IS 'fact_review_litigation: the column.';
COMMENT ON COLUMN corrections.value IS 'The value the reviewer read, as written in the file.';
COMMENT ON COLUMN corrections.reason IS 'Why (the reviewer''s words).';
COMMENT ON COLUMN corrections.author IS 'Who made the correction.';
COMMENT ON COLUMN corrections.date IS 'When, as written in the file.';
COMMENT ON COLUMN corrections.status IS 'applied or rejected.';
COMMENT ON COLUMN corrections.rejected_because IS 'Why a row was not applied: unknown document, unknown table, a code its format does not print, not a number, two corrections of one cell, a required column empty.';
COMMENT ON COLUMN corrections.previous_value IS 'The value read from the document before the correction (NULL for a blank, text, or a cell that could not be placed).';
COMMENT ON COLUMN corrections.raw_text IS 'The cell as printed (fact_*.raw_text), kept beside the corrected value.';
COMMENT ON COLUMN corrections.created_fact IS 'True when the correction supplied a cell the extraction had not placed (a new fact row).';

COMMENT ON TABLE crawl_log IS 'One row per request the crawler made (list pages, detail pages, documents), cumulative.';
COMMENT ON COLUMN crawl_log.url IS 'The URL requested.';
COMMENT ON COLUMN crawl_log.status IS 'HTTP status; NULL when no response came (or a file: URL).';
COMMENT ON COLUMN crawl_log.etag IS 'The response''s ETag, for conditional requests.';
COMMENT ON COLUMN crawl_log.last_modified IS 'The response''s Last-Modified, for conditional requests.';
COMMENT ON COLUMN crawl_log.sha256 IS 'sha256 of the body received.';
COMMENT ON COLUMN crawl_log.fetched_at IS 'When the request was made.';
COMMENT ON COLUMN crawl_log.error IS 'The error, when the request failed.';
COMMENT ON COLUMN crawl_log.bytes IS 'Size of the body received.';
COMMENT ON COLUMN crawl_log.elapsed_ms IS 'Time the request took.';
COMMENT ON COLUMN crawl_log.county IS 'The source (county) whose crawl made the request.';
COMMENT ON COLUMN crawl_log.stage IS 'list, detail, attachment or robots: what the request was for.';
COMMENT ON COLUMN crawl_log.content_type IS 'The Content-Type the server sent.';
COMMENT ON COLUMN crawl_log.note IS 'What the body turned out to be when it was not what its name promised (e.g. an HTML error page under a .pdf name); on the list pages of a source whose lists yielded no report, crawl_empty: and why.';
COMMENT ON COLUMN crawl_log.pattern IS 'The list pattern the source''s crawl used: plain, trs, hanweb, json_api (several joined by +).';
COMMENT ON COLUMN crawl_log.method IS 'POST for the requests of a Hanweb data proxy or a POST list API; NULL for GET.';

COMMENT ON TABLE runs IS 'One row per pipeline run that published.';
COMMENT ON COLUMN runs.run_id IS 'The run''s id.';
COMMENT ON COLUMN runs.started_at IS 'When the run started building.';
COMMENT ON COLUMN runs.finished_at IS 'When it published.';
COMMENT ON COLUMN runs.extractor_version IS 'Digest of the extraction code.';
COMMENT ON COLUMN runs.reports_seen IS 'Reports its crawl saw.';
COMMENT ON COLUMN runs.reports_new IS 'Reports no earlier run had seen.';
COMMENT ON COLUMN runs.reports_changed IS 'Documents whose content changed at the same URL.';
COMMENT ON COLUMN runs.reports_failed IS 'Reports seen that could not be read (failed, needs_ocr, unsupported).';
