"""Keep the matching arrays current: a change to what they are built from marks them stale
(see ``loader.py``). Bulk ``update()`` calls send no signal; the actions that use them call
``loader.invalidate_loads`` themselves."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from skillcommons.accounts.models import PersonLanguage, PersonSkill, Profile
from skillcommons.taxonomy.models import Language, Skill

from . import loader
from .models import Exchange


def _data_changed(**kwargs: Any) -> None:
    loader.invalidate()


def _loads_changed(**kwargs: Any) -> None:
    loader.invalidate_loads()


for model in (Profile, PersonSkill, PersonLanguage, Skill, Language):
    post_save.connect(_data_changed, sender=model, dispatch_uid=f"matching-data-{model.__name__}")
    post_delete.connect(
        _data_changed, sender=model, dispatch_uid=f"matching-data-del-{model.__name__}"
    )
post_save.connect(_loads_changed, sender=Exchange, dispatch_uid="matching-load")
post_delete.connect(_loads_changed, sender=Exchange, dispatch_uid="matching-load-del")
