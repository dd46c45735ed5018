"""``{% endorsements_for achievement=... person=... as found %}``: the endorsements the viewer may
see, for the include ``badges/endorse_list.html`` on achievement and badges pages."""

from __future__ import annotations

from typing import Any

from django import template

from skillcommons.badges.models import Endorsement

register = template.Library()


@register.simple_tag(takes_context=True)
def endorsements_for(context: Any, *, achievement: Any = None, person: Any = None) -> list[Any]:
    request = context.get("request")
    viewer = getattr(request, "user", None)
    found = Endorsement.objects.visible_to(viewer).select_related(
        "endorser", "organization", "skill"
    )
    if achievement:
        found = found.filter(achievement=achievement)
    elif person:
        found = found.filter(person=person)
    else:
        return []
    return list(found.prefetch_related("skill__translations")[:100])
