-- gongkai warehouse: tables of the contract (../shared/warehouse-contract.md).
-- Built into a fresh file by the loader and swapped in atomically; analysts open it read-only.

CREATE TABLE counties (
    county_id      VARCHAR PRIMARY KEY,          -- stable: derived from the county's name
    county         VARCHAR NOT NULL,             -- 青山县
    prefecture     VARCHAR,
    province       VARCHAR,
    division_code  VARCHAR                       -- GB/T 2260, when the sources file gives it
);

CREATE TABLE agencies (
    agency_id    VARCHAR PRIMARY KEY,            -- stable across runs and spellings
    agency_name  VARCHAR NOT NULL,               -- fullest official form seen (柱濮镇人民政府)
    county_id    VARCHAR NOT NULL,
    level        VARCHAR NOT NULL CHECK (level IN ('county_government', 'department', 'town',
                                                   'township', 'subdistrict', 'other')),
    name_variants VARCHAR[]                      -- every spelling seen in titles and documents
);

CREATE TABLE reports (
    report_id     VARCHAR PRIMARY KEY,           -- file sha256; inline HTML: 'h' + hash of the report's own content
    agency_id     VARCHAR,                       -- NULL only when no title or document names the agency
    report_year   INTEGER,                       -- the year the report covers
    format        VARCHAR NOT NULL CHECK (format IN ('2019', '2021', 'unknown')),
    title         VARCHAR,
    page_url      VARCHAR,
    document_url  VARCHAR,
    media_type    VARCHAR NOT NULL CHECK (media_type IN ('pdf', 'html', 'docx', 'doc', 'other')),
    sha256        VARCHAR,                       -- of the stored bytes; NULL when the download failed
    pages         INTEGER,                       -- NULL for HTML
    published_on  DATE,
    fetched_at    TIMESTAMP,
    status        VARCHAR NOT NULL CHECK (status IN ('ok', 'partial', 'failed', 'needs_ocr', 'unsupported')),
    error         VARCHAR,
    is_current    BOOLEAN NOT NULL,              -- the one report standing for its agency and year
    first_seen    TIMESTAMP NOT NULL,
    last_seen     TIMESTAMP NOT NULL,
    county_id     VARCHAR,
    extractor_version VARCHAR,
    facts_placed  INTEGER NOT NULL DEFAULT 0,
    cells_unmapped INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE fact_applications (
    report_id   VARCHAR NOT NULL,
    agency_id   VARCHAR,
    report_year INTEGER,
    row_code    VARCHAR NOT NULL,
    applicant   VARCHAR NOT NULL,
    value       BIGINT,                          -- NULL when the cell is blank or not a number
    raw_text    VARCHAR NOT NULL,                -- the cell as read
    page        INTEGER,                         -- NULL for HTML
    PRIMARY KEY (report_id, row_code, applicant)
);

CREATE TABLE fact_proactive (
    report_id   VARCHAR NOT NULL,
    agency_id   VARCHAR,
    report_year INTEGER,
    item        VARCHAR NOT NULL,
    measure     VARCHAR NOT NULL,
    value       DOUBLE,
    unit        VARCHAR,                         -- 元 / 万元 when the cell or its header states it
    raw_text    VARCHAR NOT NULL,
    page        INTEGER,
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
    PRIMARY KEY (report_id, proceeding, outcome)
);

-- Facts of every report that is not current, same columns: a plain SUM over fact_* never double counts.
CREATE TABLE fact_applications_superseded AS SELECT * FROM fact_applications LIMIT 0;
CREATE TABLE fact_proactive_superseded AS SELECT * FROM fact_proactive LIMIT 0;
CREATE TABLE fact_review_litigation_superseded AS SELECT * FROM fact_review_litigation LIMIT 0;

CREATE TABLE categories (
    section    VARCHAR NOT NULL,
    dimension  VARCHAR NOT NULL,
    code       VARCHAR NOT NULL,
    label_zh   VARCHAR NOT NULL,
    formats    VARCHAR NOT NULL,                 -- '2019,2021' / '2019' / '2021'
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
    actual      DOUBLE
);

CREATE TABLE unmapped_cells (
    report_id VARCHAR NOT NULL,
    section   VARCHAR NOT NULL,
    label     VARCHAR,
    raw_text  VARCHAR,
    page      INTEGER,
    reason    VARCHAR NOT NULL
);

CREATE TABLE crawl_log (
    url           VARCHAR NOT NULL,
    status        INTEGER,                       -- HTTP status; NULL when no response came
    etag          VARCHAR,
    last_modified VARCHAR,
    sha256        VARCHAR,
    fetched_at    TIMESTAMP,
    error         VARCHAR,
    bytes         BIGINT,
    elapsed_ms    DOUBLE
);

CREATE TABLE runs (
    run_id            VARCHAR PRIMARY KEY,
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP,
    extractor_version VARCHAR NOT NULL,
    reports_seen      INTEGER NOT NULL,
    reports_new       INTEGER NOT NULL,
    reports_changed   INTEGER NOT NULL,
    reports_failed    INTEGER NOT NULL
);
