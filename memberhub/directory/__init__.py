"""Provider directory domain: Plan-Net / CSV readers, address normalization, merge rules, distance math.

Pure Python (no Django): apps.directory adapts it to the database, HTTP and Celery.
"""

from memberhub.directory.address import PostalAddress, address_key, normalize_address, zip5
from memberhub.directory.csvlayout import read_directory_csv
from memberhub.directory.geo import BoundingBox, bounding_box, haversine_miles
from memberhub.directory.merge import Conflict, SourceRef, UnifiedEntry, accepting_for_member, merge_pair
from memberhub.directory.plannet import CatalogResource, ReadError, ReadResult, read_directory
from memberhub.directory.records import AvailableTime, Problem, SourceEntry

__all__ = [
    "AvailableTime",
    "BoundingBox",
    "CatalogResource",
    "Conflict",
    "PostalAddress",
    "Problem",
    "ReadError",
    "ReadResult",
    "SourceEntry",
    "SourceRef",
    "UnifiedEntry",
    "accepting_for_member",
    "address_key",
    "bounding_box",
    "haversine_miles",
    "merge_pair",
    "normalize_address",
    "read_directory",
    "read_directory_csv",
    "zip5",
]
