"""The crawler: county portal list pages → report documents in the raw store.

Plain Python (no dagster): the Dagster assets call `crawl_source` per source.
"""

from pipelines.crawl.crawler import crawl_source
from pipelines.crawl.models import CrawlFailure, CrawlResult, DocumentRef, crawl_digest
from pipelines.crawl.options import CrawlOptions

__all__ = ["crawl_source", "CrawlResult", "CrawlFailure", "DocumentRef", "CrawlOptions", "crawl_digest"]
