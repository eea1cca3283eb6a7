# A minimal image with cronmon's single executable, for Kubernetes CronJobs and other containers:
#
#   npm ci && npm run build:binary
#   docker buildx build --platform linux/amd64,linux/arm64 -t cronmon:0.1.0 .
#
# It holds cronmon and the C library it needs (distroless, no shell). To wrap a job, copy
# cronmon into the job's own image:  COPY --from=cronmon:0.1.0 /usr/local/bin/cronmon /usr/local/bin/
# (see "Kubernetes CronJobs" in README.md).

# Picks this platform's build out of build/ (npm run build:binary makes all of them).
FROM busybox:1.36 AS pick
ARG TARGETARCH
COPY build/cronmon-linux-x64 build/cronmon-linux-arm64 build/SHA256SUMS /in/
RUN case "$TARGETARCH" in amd64) target=linux-x64 ;; arm64) target=linux-arm64 ;; *) echo "no build for $TARGETARCH" >&2; exit 1 ;; esac \
 && cd /in && grep " cronmon-$target\$" SHA256SUMS | sha256sum -c - \
 && cp "cronmon-$target" /cronmon && chmod 755 /cronmon

FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=pick /cronmon /usr/local/bin/cronmon
ENTRYPOINT ["/usr/local/bin/cronmon"]
CMD ["--help"]
