"""The shared vocabulary: skills (a hierarchy of at most three levels, labelled in many languages),
languages (BCP-47 tags) and Wikimedia's funding regions (versioned country-to-region mappings)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from skillcommons.core.models import TimeStampedModel

from .locales import fallback_chain

if TYPE_CHECKING:
    from skillcommons.core.types import Viewer

MAX_SKILL_DEPTH = 2  # 0 = area, 1 = skill, 2 = sub-skill: three levels in all

qid_validator = RegexValidator(r"^Q[1-9][0-9]{0,11}$", _("Enter a Wikidata item ID such as Q52."))


class SkillQuerySet(models.QuerySet["Skill"]):
    def visible_to(self, user: Viewer) -> SkillQuerySet:
        """Skills are public vocabulary; retired skills are shown to curators only."""
        if user is not None and user.is_authenticated and user.has_perm("taxonomy.change_skill"):
            return self.all()
        return self.filter(is_active=True)

    def with_translations(self) -> SkillQuerySet:
        return self.prefetch_related("translations")


class Skill(TimeStampedModel):
    """A skill or skill area. Areas have no parent; a skill is at most two levels below its area."""

    code = models.SlugField(
        _("code"),
        max_length=80,
        unique=True,
        help_text=_("A stable identifier in lower case, such as project-management."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent skill"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    wikidata_qid = models.CharField(
        _("Wikidata item"), max_length=13, blank=True, validators=[qid_validator]
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = SkillQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(depth__lte=MAX_SKILL_DEPTH), name="skill_depth_at_most_two"
            ),
        ]

    def __str__(self) -> str:
        return self.label()

    def get_absolute_url(self) -> str:
        return reverse("taxonomy:skill_detail", args=[self.code])

    def clean(self) -> None:
        ancestor = self.parent
        seen: set[int] = set()
        depth = 0
        while ancestor is not None:
            if ancestor.pk is not None and (ancestor.pk == self.pk or ancestor.pk in seen):
                raise ValidationError({"parent": _("A skill cannot be placed under itself.")})
            seen.add(ancestor.pk)
            depth += 1
            ancestor = ancestor.parent
        if depth > MAX_SKILL_DEPTH:
            raise ValidationError(
                {"parent": _("Skills can be at most three levels deep (area, skill, sub-skill).")}
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.depth = 0 if self.parent is None else self.parent.depth + 1
        super().save(*args, **kwargs)

    def translation_for(self, locale: str | None = None) -> SkillTranslation | None:
        """The best translation for ``locale`` (default: the active language), following the
        fallback chain down to English; uses prefetched translations when present."""
        by_locale = {t.locale: t for t in self.translations.all()}
        for code in fallback_chain(locale or translation.get_language() or "en"):
            if code in by_locale:
                return by_locale[code]
        return next(iter(by_locale.values()), None)

    def label(self, locale: str | None = None) -> str:
        found = self.translation_for(locale)
        return found.label if found else self.code

    def description(self, locale: str | None = None) -> str:
        found = self.translation_for(locale)
        return found.description if found else ""

    def ancestors(self) -> list[Skill]:
        chain: list[Skill] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def descendant_ids(self) -> list[int]:
        """Ids of this skill and everything below it (at most two more levels)."""
        ids = [self.pk]
        frontier: Iterable[int] = [self.pk]
        for _level in range(MAX_SKILL_DEPTH):
            frontier = list(
                Skill.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            if not frontier:
                break
            ids.extend(frontier)
        return ids

    @property
    def wikidata_url(self) -> str:
        return f"https://www.wikidata.org/wiki/{self.wikidata_qid}" if self.wikidata_qid else ""


class SkillTranslation(models.Model):
    """A skill's label, description and synonyms in one language (a BCP-47 tag)."""

    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.CASCADE, related_name="translations"
    )
    locale = models.CharField(_("language"), max_length=35)
    label = models.CharField(_("label"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    synonyms = models.JSONField(_("synonyms"), default=list, blank=True)
    # Case-folded label and synonyms, so a label search in any script is one indexed-ish LIKE.
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    class Meta:
        verbose_name = _("skill translation")
        verbose_name_plural = _("skill translations")
        ordering = ["skill", "locale"]
        constraints = [
            models.UniqueConstraint(fields=["skill", "locale"], name="one_translation_per_locale")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.locale})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = " | ".join([self.label, *self.synonyms]).casefold()
        super().save(*args, **kwargs)


class Language(models.Model):
    """A language people speak or content is written in, identified by its BCP-47 tag."""

    class Direction(models.TextChoices):
        LTR = "ltr", _("left to right")
        RTL = "rtl", _("right to left")

    code = models.CharField(_("BCP-47 tag"), max_length=35, unique=True)
    autonym = models.CharField(_("name in the language itself"), max_length=100)
    english_name = models.CharField(_("English name"), max_length=100)
    direction = models.CharField(
        _("writing direction"), max_length=3, choices=Direction.choices, default=Direction.LTR
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.autonym} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("taxonomy:language_list") + f"#lang-{self.code}"


class RegionScheme(models.Model):
    """One published version of the country-to-region mapping. Exactly one is current; older
    versions stay so that past data keeps the regions it was collected under."""

    version = models.CharField(_("version"), max_length=32, unique=True)
    effective_from = models.DateField(_("effective from"))
    is_current = models.BooleanField(_("current"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("region scheme")
        verbose_name_plural = _("region schemes")
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_region_scheme",
            )
        ]

    def __str__(self) -> str:
        return self.version


class Region(models.Model):
    """A Wikimedia funding region within one scheme (CEECA, ESEAP, LAC, MENA, NA, NWE, SA, SSA)."""

    scheme = models.ForeignKey(
        RegionScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="regions"
    )
    code = models.CharField(_("code"), max_length=8)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="region_code_unique_in_scheme")
        ]

    def __str__(self) -> str:
        return str(self.name)

    @property
    def name(self) -> str:
        from .regions import region_name

        return region_name(self.code)


class CountryRegion(models.Model):
    """Which region a country (ISO 3166-1 alpha-2) belongs to under one scheme."""

    scheme = models.ForeignKey(
        RegionScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="countries"
    )
    country = models.CharField(_("country"), max_length=2)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="countries"
    )

    class Meta:
        verbose_name = _("country in a region")
        verbose_name_plural = _("countries in regions")
        ordering = ["country"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "country"], name="country_once_per_scheme")
        ]

    def __str__(self) -> str:
        return f"{self.country} → {self.region.code}"
