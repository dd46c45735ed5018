"""Create the site-wide role groups "curator" and "coordinator" with their permissions."""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.contenttypes.management import create_contenttypes
from django.db import migrations

ROLE_PERMISSIONS = {
    # Curators look after the skill taxonomy.
    "curator": [
        ("taxonomy", "add_skill"),
        ("taxonomy", "change_skill"),
        ("taxonomy", "view_skill"),
        ("taxonomy", "add_skilltranslation"),
        ("taxonomy", "change_skilltranslation"),
        ("taxonomy", "view_skilltranslation"),
    ],
    # Coordinators look after organizations and may open profiles for moderation; private fields
    # stay behind the profile gate, which no permission opens.
    "coordinator": [
        ("organizations", "add_organization"),
        ("organizations", "change_organization"),
        ("organizations", "view_organization"),
        ("accounts", "view_profile"),
    ],
}


def create_roles(apps: Any, schema_editor: Any) -> None:
    # Permissions are normally created after all migrations ran; create them now so the groups
    # can hold them on a fresh database.
    for label in {app for perms in ROLE_PERMISSIONS.values() for app, _codename in perms}:
        config = global_apps.get_app_config(label)
        create_contenttypes(config, verbosity=0, apps=apps)
        create_permissions(config, verbosity=0, apps=apps)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, perms in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=name)
        for app_label, codename in perms:
            group.permissions.add(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps: Any, schema_editor: Any) -> None:
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taxonomy", "0001_initial"),
        ("organizations", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
