# Build: docker build -t qabot .
# Run:   docker run -d -e DISCORD_TOKEN -v qabot-data:/data qabot serve
#        docker run --rm -v qabot-data:/data qabot ask "各方如何应对毒品威胁？"
#
# No "# syntax=" line on purpose: it makes BuildKit pull the docker/dockerfile frontend image from Docker Hub
# on every build, which fails behind a mirror, a proxy or an air gap. Nothing here needs more than the
# frontend built into the engine (classic builder and BuildKit alike).
#
# The Go image is pinned to go.mod's `go` line (the official image sets GOTOOLCHAIN=local, so an older image
# cannot build the module and a floating tag may be older than go.mod). Change both together.
FROM golang:1.26.8 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/qabot ./cmd/qabot \
 && mkdir -p /out/data/docs

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/qabot /usr/local/bin/qabot
# A named volume starts as a copy of this folder, so it is owned by 65532 too. A bind-mounted host folder keeps
# its host owner: chown it to 65532:65532 or run with --user (README, "With Docker").
COPY --from=build --chown=65532:65532 /out/data /data
ENV QABOT_DATA=/data
VOLUME ["/data"]
# Numeric, so Kubernetes' runAsNonRoot can verify it (a user name cannot be checked without the image's passwd).
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/qabot"]
CMD ["--help"]
