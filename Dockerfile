# hookme in a container: `docker compose up --build` (see docker-compose.yml), or
#   docker build -t hookme . && docker run -p 4001:4001 -e WEBHOOK_URL=... -v hookme-data:/var/lib/hookme hookme

# --- build stage: compiler, Qt 6 and QCoro development packages, the service without tests.
FROM debian:bookworm AS build
WORKDIR /src
# The package list first, so that changing the sources does not reinstall the packages.
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh --build-only && rm -rf /var/lib/apt/lists/*
COPY . .
RUN scripts/build.sh build -- -DHOOKME_BUILD_TESTS=OFF -DHOOKME_BUILD_MONITOR=OFF \
    && cmake --install build --prefix /opt/hookme --strip

# --- runtime stage: the Qt 6 / QCoro run-time libraries, CA certificates, curl, the binary.
FROM debian:bookworm
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN /tmp/install-deps.sh --runtime && rm -rf /var/lib/apt/lists/* /tmp/install-deps.sh
RUN useradd --system --user-group --uid 10001 --home-dir /var/lib/hookme \
        --shell /usr/sbin/nologin hookme \
    && install -d -o hookme -g hookme -m 0750 /var/lib/hookme
COPY --from=build /opt/hookme/bin/hookme /usr/local/bin/hookme

# DATA_DIR holds hookme.db; every other setting (WEBHOOK_URL is required) comes from
# `docker run -e` or docker-compose.yml.
ENV DATA_DIR=/var/lib/hookme PORT=4001
VOLUME /var/lib/hookme
EXPOSE 4001
USER hookme
WORKDIR /var/lib/hookme
# GET /health answers {"status":"ok"} while the service runs; curl is a runtime dependency.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT}/health" || exit 1
# hookme handles SIGTERM itself (docker stop), so it can run as PID 1.
ENTRYPOINT ["/usr/local/bin/hookme"]
