#!/usr/bin/env bash
# Custom search attributes registered on the dev server (status, exporter, regime, certificate).
echo "--search-attribute TanpassStatus=Keyword --search-attribute TanpassExporter=Keyword" \
     "--search-attribute TanpassRegimes=KeywordList --search-attribute TanpassCertificate=Keyword"
