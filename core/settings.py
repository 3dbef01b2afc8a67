"""Typed settings with documented defaults.

One frozen :class:`Settings` object holds every tunable of the product. Code reads it with
:func:`get_settings`; tests replace it with :func:`override_settings`::

    with override_settings(store_dir=tmp_path / "store"):
        ...

Environment variables (read once, when the default settings are first built):

``PRECISION_STORE``
    Folder of the incident store (default ``<repo>/store``).
``PRECISION_COOKIE_SECRET``
    The secret that signs the sign-in cookie (at least 32 characters). Without it, a secret
    is made on first start in the store folder (``session_secret``, owner-only 0600); a
    secret that cannot be used turns cookie sign-in off (a refresh then signs out), never on.
``PRECISION_MAP_TILES``
    Background tiles of the map (see :mod:`core.tiles`): ``openstreetmap`` (the default:
    OpenStreetMap's standard tiles, no key), ``none`` for no tiles (offline), a provider name
    of the xyzservices registry (``OrdnanceSurvey.Light``), or any XYZ URL template
    (``https://…/{z}/{x}/{y}.png``, ``{key}`` where its key goes).
``PRECISION_MAP_TILES_KEY``
    The tile provider's key (the Ordnance Survey Maps API's project key, for example). A
    provider that needs a key is never used without one.
``PRECISION_MAP_TILES_ATTRIBUTION``
    The attribution a URL template's provider requires (plain text), shown on every map.
``PRECISION_MAP_TILES_MAX_ZOOM``
    The deepest zoom level a URL template's service has (default 19).
``PRECISION_LSOA_LOOKUP``
    An LSOA 2011 to 2021 lookup to use instead of the bundled one: the ONS "LSOA (2011) to
    LSOA (2021)" file as published (``LSOA11CD, LSOA11NM, LSOA21CD, LSOA21NM, CHGIND``, other
    columns ignored).
``PRECISION_AUTH``
    ``password`` (default: the users file's bcrypt hashes) or ``oidc`` (single sign-on
    through Streamlit's ``st.login``; needs an ``[auth]`` section in
    ``.streamlit/secrets.toml``).
``PRECISION_USERS``
    The users file (default ``<repo>/config/users.json``). Without a readable one, and
    outside demo mode, the app shows a set-up message and no data.
``PRECISION_ACCESSIBILITY_CONTACT``
    Where users ask for other formats and report accessibility problems (an e-mail address,
    a phone number or a service desk's name), written into the accessibility statement.
    Without it the statement sends them to their organisation's service desk.
``PRECISION_MODE``
    ``demo`` turns the demo mode on, on purpose (no sign-in; public crime data and the
    bundled SYNTHETIC organised crime group data only; ``make run`` sets it). Anything else,
    or nothing, means ``secure``: every page needs a signed-in user with a role. A value
    that is neither ``demo`` nor ``secure`` is reported on screen and counts as ``secure``:
    a mistyped setting gives less access, never more.
``PRECISION_POLICE_UK_URL``
    Where ``python -m cli.update`` finds data.police.uk (default ``https://data.police.uk``):
    an internal mirror, or a test's imitation. Only ``http://`` and ``https://`` are used.
``PRECISION_NATIONAL_TABLE``
    Where ``cli.update`` looks for a newer Home Office table of recorded crime by force
    area: an http(s) address or a file (a CSV as ``cli.national`` loads).
``PRECISION_CA_BUNDLE``
    A PEM file of certificate authorities trusted for that site (a force's TLS-inspecting
    proxy). ``REQUESTS_CA_BUNDLE``, ``HTTPS_PROXY`` and ``NO_PROXY`` are honoured as
    ``requests`` reads them.
``PRECISION_DEMO_DATA``
    What the demo mode shows: ``history`` (``make run``'s choice: a SYNTHETIC demonstration
    history of 36 months, its campaigns and outcome figures, built on first start in its own
    store, ``<store>/demo_history``) or ``sample`` (default: the real bundled months only).
    Ignored outside demo mode; an unknown value is reported and counts as ``sample``.

Values that cannot be used never widen access: they are kept in
:attr:`Settings.problems` for the app to show, and the safe default is used instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType

from core.errors import SettingsError
from core.tiles import DEFAULT_TILES, TileSource, tile_source

#: Root of the repository (the folder holding ``app.py``).
REPO_DIR = Path(__file__).resolve().parent.parent

#: The five West Yorkshire local authority districts: ONS code -> name.
DISTRICTS: Mapping[str, str] = MappingProxyType(
    {
        "E08000032": "Bradford",
        "E08000033": "Calderdale",
        "E08000034": "Kirklees",
        "E08000035": "Leeds",
        "E08000036": "Wakefield",
    }
)

#: The columns of a data.police.uk street-level crime CSV, in published order.
POLICE_UK_COLUMNS: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)

#: Crime categories published on data.police.uk street-level files since May 2013.
CRIME_TYPES: tuple[str, ...] = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)


#: The app's modes: ``secure`` (sign-in required) and ``demo`` (no sign-in, public and
#: synthetic data only).
MODES: tuple[str, ...] = ("secure", "demo")

#: What the demo mode shows: the real bundled months, or the synthetic demonstration history.
DEMO_DATA: tuple[str, ...] = ("sample", "history")

#: Ways of signing in: the users file's bcrypt hashes, or single sign-on (OIDC).
AUTH_MODES: tuple[str, ...] = ("password", "oidc")

#: H3 resolutions stored with every incident (the store's schema has one column each).
STORED_RESOLUTIONS: tuple[int, ...] = (7, 8, 9, 10)


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every tunable of the product, with its default.

    Attributes
    ----------
    data_dir : Path
        Folder of the bundled data (``<repo>/data``): boundaries, census figures, reference
        tables and the sample. Every data file's path is taken under it (see
        :attr:`lsoa_boundaries_file`, :attr:`lsoa_population_file`,
        :attr:`harm_weights_file`, :attr:`comms_themes_file`, :attr:`sample_paths`).
    store_dir : Path
        Folder of the incident store (Parquet files and ``manifest.json``), git-ignored.
    crs_geographic : str
        CRS of all stored coordinates: ``"EPSG:4326"`` (WGS 84, degrees).
    crs_projected : str
        CRS for distances and areas: ``"EPSG:27700"`` (British National Grid, metres).
    h3_resolutions : tuple of int
        H3 resolutions offered to users, among :data:`STORED_RESOLUTIONS` (res 7 cells are
        about 5.2 km², res 8 0.74 km², res 9 0.105 km², res 10 0.015 km²).
    h3_default_resolution : int
        Resolution the map opens at.
    home_force : str
        The force whose incidents the app analyses, as data.police.uk names it in the
        ``Reported by`` column (``"West Yorkshire Police"``). Other forces' rows are stored
        under their own force and never mixed into the home force's hotspots, trends or plans.
    force_area_bounds : tuple of float
        ``(min_lon, min_lat, max_lon, max_lat)`` in degrees: coordinates of the home force's
        rows outside this box are rejected as impossible for West Yorkshire Police. It is
        West Yorkshire with a margin of about 40 km, because WYP records some crimes located
        in neighbouring force areas.
    national_bounds : tuple of float
        The same box for every other force's rows: England, Wales and Northern Ireland
        (data.police.uk publishes the Police Service of Northern Ireland too) with a margin
        of about 20 km, in degrees.
    districts : Mapping[str, str]
        District code -> name for the five districts.
    crime_types : tuple of str
        The known data.police.uk crime categories.
    map_tiles : TileSource or None
        Background tiles (:class:`core.tiles.TileSource`: URL with any key in it,
        attribution, zoom levels), or None for none (the map stays readable because
        district boundaries are always drawn). Default :data:`core.tiles.DEFAULT_TILES`,
        OpenStreetMap's standard tiles. A tiles setting that cannot be used is listed in
        :attr:`problems` and no tiles are used: the app never sends map requests to a
        service nobody chose.
    map_coordinate_decimals : int
        Decimals kept in hexagon coordinates sent to the browser (5 ≈ 1 m).
    map_classes : int
        Number of colour classes in the map legend.
    users_file : Path
        JSON file of users and password hashes (see :mod:`security.users`).
    auth_mode : str
        ``"password"`` or ``"oidc"`` (single sign-on; users listed by e-mail address).
    audit_path : Path or None
        Append-only audit log (JSON lines); None puts it in the store folder (see
        :attr:`audit_file`).
    mode : str
        ``"secure"`` (default: every page needs a signed-in user) or ``"demo"`` (no sign-in,
        public and synthetic data only); see :data:`MODES`.
    demo_data : str
        What the demo mode shows (:data:`DEMO_DATA`): ``"sample"`` (the real bundled months
        in :attr:`store_dir`) or ``"history"`` (a synthetic demonstration history made by
        :mod:`models.demo_history` in its own store, :attr:`data_store_dir`, so real and
        synthetic incidents are never mixed in one store). Ignored outside demo mode.
    ingest_block_bytes : int
        Bytes of CSV text read, checked, binned and written at a time (64 MiB): an ingest's
        memory grows with this, never with the size of a file. Every monthly force file
        published by data.police.uk fits in one block.
    max_file_bytes : int
        Largest street CSV, plain or inside an archive, uncompressed (4 GiB). The largest
        monthly force file (Metropolitan Police) is about 30 MB; a file of three years of
        every force, about 1.5 GB.
    max_archive_bytes : int
        Largest total uncompressed size of one zip archive, every member counted (64 GiB;
        data.police.uk's three-year archive of every force and file type is about 15 GB).
    max_archive_members : int
        Most members in one zip archive (50,000; the three-year all-forces archive has about
        5,000: street, outcomes and stop-and-search files of 43 forces for 36 months).
    max_compression_ratio : float
        Largest ratio of uncompressed to compressed size of a zip member larger than 1 MiB
        (200; street CSVs deflate about 5 to 10 times; a decompression bomb, thousands).
    max_rejects_listed : int
        Rejected rows listed (file, line, reason, detail) per file (100,000); the counts by
        reason stay exact beyond it.
    duckdb_memory : str
        Memory DuckDB may use when it looks for Crime IDs repeated across files or blocks
        (``"256MB"``; it spills to disk beyond that).
    home_force_national : str
        The home force as the Home Office's national tables name it (``"West Yorkshire"``).
    neighbour_forces : tuple of str
        Forces whose street files the cross-border view draws, as data.police.uk names them
        in ``Reported by``: North Yorkshire, South Yorkshire, Greater Manchester, Lancashire
        and Derbyshire.
    border_buffer_m : float
        How far beyond the county boundary the cross-border view reaches, in metres (10 km).
    peer_group_size : int
        Forces in the default peer group of the national page (7, like the Home Office's
        most similar groups).
    small_base_residents : int
        A force with fewer residents than this (census 2011) has its rates flagged as
        distorted by a small resident base (100,000: the City of London, 7,375 residents).
    national_query_memory : str
        Memory DuckDB may use for multi-force queries over the store (``"1GB"``).
    session_hours : float
        How long a sign-in lasts, in hours (8: a working day). The browser keeps a signed
        cookie for as long (see :mod:`security.signin_token`), so a refresh or a second tab stays
        signed in; after it, the user signs in again. Sign-out ends it at once.
    cookie_secret : str or None
        The secret signing the sign-in cookie (``PRECISION_COOKIE_SECRET``); None uses the
        store folder's :attr:`session_secret_file`. Never shown (not in ``repr``).
    retain_incident_months : int or None
        Whole incident months kept before this one (``PRECISION_RETAIN_INCIDENT_MONTHS``): a
        force month older than them is due for deletion. None (the
        default) keeps everything; 36 keeps what data.police.uk itself publishes.
    retain_ocg_activity_months : int or None
        Months OCG activity records other than disruptions are kept, by their date
        (``PRECISION_RETAIN_OCG_ACTIVITY_MONTHS``); None keeps them all.
    retain_disruption_months : int or None
        Months disruption records are kept, by their date
        (``PRECISION_RETAIN_DISRUPTION_MONTHS``); None keeps them all. Nothing is deleted
        without an admin's confirmation or ``python -m cli.retention --apply``; the audit
        log is never purged.
    audit_key : str or None
        The key of the audit log's HMAC chain (``PRECISION_AUDIT_KEY``, at least 32
        characters); None uses :attr:`audit_key_file`. Never shown (not in ``repr``). The app
        and every command-line tool that writes the log must use the same key.
    police_uk_url : str
        Address of data.police.uk or a mirror of it (``PRECISION_POLICE_UK_URL``): the API
        under ``/api/``, the archives under ``/data/archive/``.
    http_ca_bundle : Path or None
        Certificate authorities (PEM) trusted for that address (``PRECISION_CA_BUNDLE``);
        None uses ``REQUESTS_CA_BUNDLE`` or the system's.
    http_timeout_s : float
        Seconds to wait for a connection, and for each piece of an answer (30).
    http_retries : int
        Further tries of a request after a dropped connection, a timeout, 429, 500, 502,
        503 or 504 (4).
    http_backoff_s : float
        First wait between tries, in seconds, doubled after each (1; 1, 2, 4, 8).
    http_max_wait_s : float
        Longest ``Retry-After`` honoured, in seconds (300); a longer one ends the tries.
    update_months : int
        How many of the newest published months ``cli.update`` keeps stored (36: what one
        data.police.uk archive holds).
    update_refresh_months : int
        The newest stored months fetched again when data.police.uk says it has been updated
        (3): street files are revised after publication (outcomes added).
    update_api_fallback : bool
        Whether a month the archive cannot give at all (not in it, or no archive) is asked
        of the street-level crime API for the home force's area (True). Such a month has no
        LSOA, ``Falls within`` or ``Reported by`` (rows are placed by their coordinates and
        labelled the home force's) and is fetched from the archive again by later runs.
    national_table_source : str or None
        Where ``cli.update`` looks for a newer Home Office table of police recorded crime
        by force area (``PRECISION_NATIONAL_TABLE``): an http(s) address or a file path;
        None: not looked for.
    update_download_dir : Path or None
        Where a whole archive is downloaded when the server offers no ranges; None:
        ``store_dir / "downloads"``.
    accessibility_contact : str or None
        Contact the accessibility statement gives for other formats and problem reports
        (``PRECISION_ACCESSIBILITY_CONTACT``); None sends users to their organisation's
        service desk.
    lsoa_lookup_path : Path or None
        An LSOA 2011 to 2021 lookup in the ONS columns supplied by an admin
        (``PRECISION_LSOA_LOOKUP``); None uses the bundled one built from the two boundary
        sets (see :attr:`lsoa_lookup_file`).
    lsoa2021_from_month : str
        First month (``YYYY-MM``) taken to be published with 2021 LSOAs when a file's codes
        do not tell (every code one that both generations share): data.police.uk's
        changelog of June 2023 moved its LSOA data to 2021. A file's own codes always decide
        first (:func:`geo.ingest.generation_in_force`).
    problems : tuple of str
        Settings from the environment that could not be used, each in one sentence; the
        safe default was used instead and the app shows them.
    """

    data_dir: Path = REPO_DIR / "data"
    store_dir: Path = REPO_DIR / "store"
    crs_geographic: str = "EPSG:4326"
    crs_projected: str = "EPSG:27700"
    h3_resolutions: tuple[int, ...] = STORED_RESOLUTIONS
    h3_default_resolution: int = 9
    home_force: str = "West Yorkshire Police"
    force_area_bounds: tuple[float, float, float, float] = (-2.8, 53.2, -0.6, 54.4)
    national_bounds: tuple[float, float, float, float] = (-8.4, 49.7, 2.1, 56.0)
    districts: Mapping[str, str] = dataclasses.field(default_factory=lambda: DISTRICTS)
    crime_types: tuple[str, ...] = CRIME_TYPES
    map_tiles: TileSource | None = DEFAULT_TILES
    map_coordinate_decimals: int = 5
    map_classes: int = 6
    users_file: Path = REPO_DIR / "config" / "users.json"
    auth_mode: str = "password"
    audit_path: Path | None = None
    mode: str = "secure"
    demo_data: str = "sample"
    accessibility_contact: str | None = None
    lsoa_lookup_path: Path | None = None
    lsoa2021_from_month: str = "2023-06"
    problems: tuple[str, ...] = ()
    ingest_block_bytes: int = 64 << 20
    max_file_bytes: int = 4 << 30
    max_archive_bytes: int = 64 << 30
    max_archive_members: int = 50_000
    max_compression_ratio: float = 200.0
    max_rejects_listed: int = 100_000
    duckdb_memory: str = "256MB"
    home_force_national: str = "West Yorkshire"
    neighbour_forces: tuple[str, ...] = (
        "North Yorkshire Police",
        "South Yorkshire Police",
        "Greater Manchester Police",
        "Lancashire Constabulary",
        "Derbyshire Constabulary",
    )
    border_buffer_m: float = 10_000.0
    peer_group_size: int = 7
    small_base_residents: int = 100_000
    national_query_memory: str = "1GB"
    session_hours: float = 8.0
    cookie_secret: str | None = dataclasses.field(default=None, repr=False)
    audit_key: str | None = dataclasses.field(default=None, repr=False)
    retain_incident_months: int | None = None
    retain_ocg_activity_months: int | None = None
    retain_disruption_months: int | None = None
    police_uk_url: str = "https://data.police.uk"
    http_ca_bundle: Path | None = None
    http_timeout_s: float = 30.0
    http_retries: int = 4
    http_backoff_s: float = 1.0
    http_max_wait_s: float = 300.0
    update_months: int = 36
    update_refresh_months: int = 3
    update_api_fallback: bool = True
    update_download_dir: Path | None = None
    national_table_source: str | None = None

    @property
    def demo(self) -> bool:
        """Whether the demo mode was turned on on purpose (``mode == "demo"``)."""
        return self.mode == "demo"

    @property
    def demo_history(self) -> bool:
        """Whether the app shows the synthetic demonstration history (demo mode with
        ``demo_data == "history"``)."""
        return self.demo and self.demo_data == "history"

    @property
    def data_store_dir(self) -> Path:
        """The folder of the data the app shows: incidents, delivery log, OCG and outcome
        tables. :attr:`store_dir` itself, or ``store_dir / "demo_history"`` when the demo
        history is shown (:attr:`demo_history`). Sign-in secrets and the audit log always
        stay in :attr:`store_dir`."""
        return self.store_dir / "demo_history" if self.demo_history else self.store_dir

    @property
    def lsoa_boundaries_file(self) -> Path:
        """GeoJSON of the 1,388 West Yorkshire LSOAs (2011), EPSG:4326, with MSOA and
        district: ``data_dir / "boundaries" / "west_yorkshire_lsoa_2011_bsc.geojson"``."""
        return self.data_dir / "boundaries" / "west_yorkshire_lsoa_2011_bsc.geojson"

    @property
    def lsoa2021_boundaries_dir(self) -> Path:
        """Folder of the 1,404 West Yorkshire LSOAs (2021), one GeoJSON per district named by
        its code (``E08000032.geojson`` …): ``data_dir / "boundaries" / "lsoa2021"``."""
        return self.data_dir / "boundaries" / "lsoa2021"

    @property
    def lsoa_lookup_file(self) -> Path:
        """The LSOA 2011 to 2021 lookup: ``lsoa_lookup_path`` if an admin set one, else the
        bundled ``data_dir / "lookups" / "lsoa11_lsoa21_west_yorkshire.csv"``."""
        return self.lsoa_lookup_path or self.data_dir / "lookups" / "lsoa11_lsoa21_west_yorkshire.csv"

    @property
    def lsoa_population_file(self) -> Path:
        """CSV of census 2011 usual residents, households and hectares per LSOA:
        ``data_dir / "population" / "west_yorkshire_lsoa_census2011.csv"``."""
        return self.data_dir / "population" / "west_yorkshire_lsoa_census2011.csv"

    @property
    def harm_weights_file(self) -> Path:
        """CSV of the harm weight of each crime type (``crime_type``, ``weight``; see
        ``data/README.md``): ``data_dir / "harm_weights.csv"``."""
        return self.data_dir / "harm_weights.csv"

    @property
    def comms_themes_file(self) -> Path:
        """CSV of the comms team's theme per crime type (``crime_type``, ``theme``,
        ``audience``, ``message``): ``data_dir / "comms_themes.csv"``."""
        return self.data_dir / "comms_themes.csv"

    @property
    def recorded_crime_file(self) -> Path:
        """The bundled Home Office table of police recorded crime by force area, 2017/18:
        ``data_dir / "national" / "prc_pfa_2017_18.csv"``."""
        return self.data_dir / "national" / "prc_pfa_2017_18.csv"

    @property
    def force_areas_file(self) -> Path:
        """Local authority districts with force area and census 2011 figures:
        ``data_dir / "national" / "lad11_to_pfa_census2011.csv"``."""
        return self.data_dir / "national" / "lad11_to_pfa_census2011.csv"

    @property
    def sample_paths(self) -> tuple[Path, ...]:
        """What the app ingests on first start when the store is empty: the bundled sample
        of data.police.uk months, ``(data_dir / "police_uk",)``."""
        return (self.data_dir / "police_uk",)

    @property
    def audit_file(self) -> Path:
        """The audit log's path: ``audit_path``, or ``audit.jsonl`` in the store folder."""
        return self.audit_path or self.store_dir / "audit.jsonl"

    @property
    def audit_key_file(self) -> Path:
        """The audit chain's key when ``audit_key`` is not set: ``audit_key`` beside the
        users file (``config/audit_key``), outside the store, so that a copy of the store or
        a backup never carries it; made on first use, readable by its owner only."""
        return self.users_file.parent / "audit_key"

    @property
    def download_dir(self) -> Path:
        """Where whole archives are downloaded: ``update_download_dir`` or ``store_dir / "downloads"``."""
        return self.update_download_dir or self.store_dir / "downloads"

    @property
    def update_state_file(self) -> Path:
        """What the last ``cli.update`` found on data.police.uk (months, its last-updated date,
        when it checked): ``store_dir / "update_state.json"``."""
        return self.store_dir / "update_state.json"

    @property
    def session_secret_file(self) -> Path:
        """The sign-in cookie's secret when ``cookie_secret`` is not set:
        ``store_dir / "session_secret"``, made on first start, readable by its owner only."""
        return self.store_dir / "session_secret"

    @property
    def revoked_sessions_file(self) -> Path:
        """Sign-ins ended by a sign-out (token id -> expiry): ``store_dir / "revoked_sessions.json"``."""
        return self.store_dir / "revoked_sessions.json"

    def __post_init__(self) -> None:
        if self.h3_default_resolution not in self.h3_resolutions:
            raise SettingsError(
                f"h3_default_resolution {self.h3_default_resolution} is not among h3_resolutions {self.h3_resolutions}"
            )
        if self.auth_mode not in AUTH_MODES:
            raise SettingsError(f"auth_mode must be 'password' or 'oidc', not {self.auth_mode!r}")
        if self.mode not in MODES:
            raise SettingsError(f"mode must be 'secure' or 'demo', not {self.mode!r}")
        if self.demo_data not in DEMO_DATA:
            raise SettingsError(f"demo_data must be 'sample' or 'history', not {self.demo_data!r}")
        if not set(self.h3_resolutions) <= set(STORED_RESOLUTIONS):
            raise SettingsError(f"h3_resolutions {self.h3_resolutions} must be among {STORED_RESOLUTIONS}")
        for name in ("force_area_bounds", "national_bounds"):
            lon0, lat0, lon1, lat1 = getattr(self, name)
            if not (lon0 < lon1 and lat0 < lat1):
                raise SettingsError(f"{name} is not a box: {getattr(self, name)}")
        if not self.session_hours > 0:
            raise SettingsError(f"session_hours must be positive, not {self.session_hours}")
        if not self.home_force.strip():
            raise SettingsError("home_force must name a force")
        for name in ("retain_incident_months", "retain_ocg_activity_months", "retain_disruption_months"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, int) and value >= 1):
                raise SettingsError(
                    f"{name} must be a whole number of months from 1, or None (keep all), not {value!r}"
                )
        if not self.police_uk_url.lower().startswith(("http://", "https://")):
            raise SettingsError(f"police_uk_url must start with http:// or https://, not {self.police_uk_url!r}")
        if not (self.http_timeout_s > 0 and self.http_retries >= 0 and self.http_backoff_s >= 0):
            raise SettingsError("http_timeout_s must be positive, http_retries and http_backoff_s not negative")
        if self.update_months < 1 or self.update_refresh_months < 0:
            raise SettingsError(
                f"update_months must be at least 1 and update_refresh_months not negative, not "
                f"{self.update_months} and {self.update_refresh_months}"
            )
        if self.ingest_block_bytes < 1 << 12:
            raise SettingsError(f"ingest_block_bytes must be at least 4 KiB, not {self.ingest_block_bytes}")


def from_environment() -> Settings:
    """Build the settings from the ``PRECISION_*`` environment variables.

    Unusable values fall back to the safe default (secure mode, password sign-in) and are
    listed in :attr:`Settings.problems`. :func:`get_settings` calls this once per process;
    tests call it to see what an environment gives.
    """
    kwargs: dict[str, object] = {}
    problems: list[str] = []
    if store := os.environ.get("PRECISION_STORE"):
        kwargs["store_dir"] = Path(store).expanduser().resolve()
    if auth := os.environ.get("PRECISION_AUTH"):
        if auth.strip().lower() in AUTH_MODES:
            kwargs["auth_mode"] = auth.strip().lower()
        else:
            problems.append(f"PRECISION_AUTH={auth!r} is not 'password' or 'oidc': password sign-in is used.")
    if (mode := os.environ.get("PRECISION_MODE")) is not None:
        if mode.strip().lower() in MODES:
            kwargs["mode"] = mode.strip().lower()
        else:
            problems.append(
                f"PRECISION_MODE={mode!r} is not 'demo' or 'secure': the app runs secure, with sign-in required."
            )
    if lookup := os.environ.get("PRECISION_LSOA_LOOKUP", "").strip():
        kwargs["lsoa_lookup_path"] = Path(lookup).expanduser().resolve()
    if (demo_data := os.environ.get("PRECISION_DEMO_DATA")) is not None:
        if demo_data.strip().lower() in DEMO_DATA:
            kwargs["demo_data"] = demo_data.strip().lower()
        else:
            problems.append(
                f"PRECISION_DEMO_DATA={demo_data!r} is not 'sample' or 'history': the demo shows the real bundled months."
            )
    if users := os.environ.get("PRECISION_USERS"):
        kwargs["users_file"] = Path(users).expanduser().resolve()
    if secret := os.environ.get("PRECISION_COOKIE_SECRET"):
        kwargs["cookie_secret"] = secret
    if key := os.environ.get("PRECISION_AUDIT_KEY"):
        kwargs["audit_key"] = key
    for name in ("retain_incident_months", "retain_ocg_activity_months", "retain_disruption_months"):
        variable = "PRECISION_" + name.upper()
        if text := os.environ.get(variable, "").strip():
            if text.isdigit() and int(text) >= 1:
                kwargs[name] = int(text)
            else:
                problems.append(f"{variable}={text!r} is not a whole number of months from 1: everything is kept.")
    if contact := os.environ.get("PRECISION_ACCESSIBILITY_CONTACT", "").strip():
        kwargs["accessibility_contact"] = contact
    if url := os.environ.get("PRECISION_POLICE_UK_URL", "").strip():
        if url.lower().startswith(("http://", "https://")):
            kwargs["police_uk_url"] = url
        else:
            problems.append(
                f"PRECISION_POLICE_UK_URL={url!r} is not an http(s) address: https://data.police.uk is used."
            )
    if table := os.environ.get("PRECISION_NATIONAL_TABLE", "").strip():
        kwargs["national_table_source"] = table
    if bundle := os.environ.get("PRECISION_CA_BUNDLE", "").strip():
        kwargs["http_ca_bundle"] = Path(bundle).expanduser().resolve()
    kwargs.update(_tiles_from_environment(problems))
    return Settings(**kwargs, problems=tuple(problems))  # type: ignore[arg-type]


def _tiles_from_environment(problems: list[str]) -> dict[str, object]:
    """``map_tiles`` from the ``PRECISION_MAP_TILES*`` variables (nothing when they are unset);
    an unusable setting adds a problem and turns tiles off."""
    value = os.environ.get("PRECISION_MAP_TILES")
    key = os.environ.get("PRECISION_MAP_TILES_KEY") or None
    attribution = os.environ.get("PRECISION_MAP_TILES_ATTRIBUTION") or None
    zoom_text = os.environ.get("PRECISION_MAP_TILES_MAX_ZOOM", "19").strip() or "19"
    if value is None and key is None and attribution is None:
        return {}
    try:
        if not zoom_text.isdigit():
            raise SettingsError(f"PRECISION_MAP_TILES_MAX_ZOOM={zoom_text!r} is not a whole number")
        return {
            "map_tiles": tile_source(
                value if value is not None else "openstreetmap",
                key=key,
                attribution=attribution,
                max_zoom=int(zoom_text),
            )
        }
    except SettingsError as exc:
        problems.append(f"PRECISION_MAP_TILES: {exc}: the maps are drawn without background tiles.")
        return {"map_tiles": None}


_current: Settings | None = None


def get_settings() -> Settings:
    """Return the settings in force (built from the environment on first call)."""
    global _current
    if _current is None:
        _current = from_environment()
    return _current


@contextlib.contextmanager
def override_settings(**changes: object) -> Iterator[Settings]:
    """Replace some settings inside a ``with`` block (for tests and commands).

    Parameters
    ----------
    **changes
        Field names of :class:`Settings` and their new values.
    """
    global _current
    before = get_settings()
    _current = dataclasses.replace(before, **changes)  # type: ignore[arg-type]
    try:
        yield _current
    finally:
        _current = before
