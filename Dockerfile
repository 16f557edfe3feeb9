# The screener's image: one image for both processes, `screener worker` and `screener api`
# (deploy/README.md). Build from the repository root: docker build -t screener:0.1.0 .
#
# The base is pinned to an exact tag. A bank's registry should pin it further, to the
# digest it has scanned: FROM python:3.11.13-slim-bookworm@sha256:<digest>.

FROM python:3.11.13-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY screener ./screener
# Wheels of the project and of every pinned dependency, so the runtime stage installs
# offline and carries no compiler or build cache.
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11.13-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SCREENER_API_HOST=0.0.0.0 \
    SCREENER_HEALTH_PORT=8080
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels screener==0.1.0 \
    && rm -rf /wheels \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/screener \
       --create-home --shell /usr/sbin/nologin screener
# Faust keeps a small data directory in the working directory.
WORKDIR /var/lib/screener
USER 10001:10001
EXPOSE 8080 6066
# The API answers /healthz on 8080; a worker sets SCREENER_HEALTH_PORT=6066.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-m", "screener.healthcheck"]
ENTRYPOINT ["screener"]
CMD ["api"]
