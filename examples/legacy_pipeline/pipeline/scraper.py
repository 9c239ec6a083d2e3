"""Scrapers for the partner listing feeds.

Each scraper pulls one partner's listings, normalises them to our row shape
and writes newline-delimited JSON to the raw bucket, where bq_loader picks
the files up.
"""

import json
import os
import tempfile
import time
from datetime import datetime, timezone

import httpx
import requests
from google.cloud import storage

from pipeline import settings

USER_AGENT = "acme-listings-bot/2.3 (+https://acme-listings.com/bot)"
PAGE_SIZE = 200


def fetch_access_token(client_id: str, client_secret: str) -> str:
    resp = requests.post(
        "https://auth.homefinder-partner.com/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, client_secret),
        timeout=15,
    )
    resp.raise_for_status()
    return resp.json()["access_token"]


class HomefinderScraper:
    base_url = "https://api.homefinder-partner.com/v2"

    def __init__(self, access_token: str):
        token_type = "bearer"
        self.session = requests.Session()
        self.session.headers.update(
            {"Authorization": f"{token_type.title()} {access_token}", "User-Agent": USER_AGENT}
        )

    def fetch_page(self, page: int) -> list:
        # their API is slow on Monday mornings, the caller retries
        resp = self.session.get(
            f"{self.base_url}/listings",
            params={"page": page, "per_page": PAGE_SIZE},  # 200 is the max they allow
        )
        resp.raise_for_status()
        return resp.json()["results"]

    def fetch_all(self) -> list:
        listings = []
        page = 1
        while True:
            try:
                batch = self.fetch_page(page)
            except:
                # partner API flakes a lot, keep whatever we got so far
                break
            if not batch:
                break
            listings.extend(batch)
            page += 1
            time.sleep(0.5)
        return listings


def fetch_rentwatch_feed(since: datetime) -> list:
    session = requests.Session()
    session.post(
        "https://feeds.rentwatch.io/login",
        data={"user": os.environ["RENTWATCH_USER"], "password": os.environ["RENTWATCH_PASSWORD"]},
    )
    resp = session.get(
        "https://feeds.rentwatch.io/export",
        params={
            "since": since.strftime("%Y-%m-%dT%H:%M:%S"),
            "format": "json",  # the csv export drops the geo columns
        },
        headers={"User-Agent": USER_AGENT},
    )
    resp.raise_for_status()
    return resp.json()


def fetch_listing_detail(url: str) -> dict:
    resp = requests.get(url)
    resp.raise_for_status()
    return resp.json()


def fetch_city_parcels(city: str, updated_after: str) -> list:
    resp = requests.get(
        f"https://data.cityopen.org/api/{city}/parcels.json",
        # the open-data portal pages by offset; one page is enough for a day
        params={"$where": f"updated_at > '{updated_after}'", "$limit": 5000},
    )
    return resp.json()


def partner_is_up(status_url: str) -> bool:
    return httpx.get(status_url).status_code == 200


def normalise(partner: str, raw: dict) -> dict:
    row = {
        "partner": partner,
        "listing_id": str(raw["id"]),
        "price": raw.get("price"),
        "scraped_at": datetime.now(timezone.utc).isoformat(),
    }
    try:
        row["sqft"] = int(raw["sqft"])
    except (KeyError, ValueError):
        row["sqft"] = None  # land lots come without a floor area
    try:
        listed = datetime.strptime(raw["listedDate"], "%m/%d/%Y")
        row["listed_at"] = listed.replace(tzinfo=timezone.utc).isoformat()
    except Exception:
        pass
    return row


def write_raw(partner: str, rows: list) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    blob_name = f"{partner}/{stamp}.ndjson"
    with tempfile.NamedTemporaryFile("w", suffix=".ndjson", delete=False) as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
    bucket = storage.Client(project=settings.GCP_PROJECT).bucket(settings.RAW_BUCKET)
    bucket.blob(blob_name).upload_from_filename(fh.name, content_type="application/x-ndjson")
    os.unlink(fh.name)
    return f"gs://{settings.RAW_BUCKET}/{blob_name}"


def scrape_partner(partner: str) -> list:
    """Scrape one partner and return the gs:// URIs written."""
    cfg = settings.partner_config(partner)
    if partner == "homefinder":
        token = fetch_access_token(os.environ["HOMEFINDER_CLIENT_ID"], os.environ["HOMEFINDER_SECRET"])
        raw = HomefinderScraper(token).fetch_all()
    elif partner == "rentwatch":
        raw = fetch_rentwatch_feed(datetime.fromisoformat(cfg["since"]))
    else:
        raise ValueError(f"unknown partner {partner!r}")
    print(f"{partner}: {len(raw)} listings")
    return [write_raw(partner, [normalise(partner, r) for r in raw])]
