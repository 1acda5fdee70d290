"""Resolve: group reports of the same event into incidents and reconcile them."""

from corroborate.resolve.matcher import MatchConfig, MatchResult, best_match, distance_km
from corroborate.resolve.reconcile import count_origins, grade, incident_id_for, reconcile
from corroborate.resolve.resolver import Resolver

__all__ = [
    "MatchConfig",
    "MatchResult",
    "Resolver",
    "best_match",
    "count_origins",
    "distance_km",
    "grade",
    "incident_id_for",
    "reconcile",
]
