"""Local storage: the result cache now; verdicts and the audit log later, behind the same database helper."""

from interlock.store.cache import CacheStats, ResultCache, default_cache_path, is_cacheable
from interlock.store.database import StoreWarning

__all__ = ["CacheStats", "ResultCache", "StoreWarning", "default_cache_path", "is_cacheable"]
