# syntax=docker/dockerfile:1
# Build: docker build -t qabot .
# Run:   docker run -d -e DISCORD_TOKEN -v qabot-data:/data qabot serve
#        docker run --rm -v qabot-data:/data qabot ask "各方如何应对毒品威胁？"
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/qabot ./cmd/qabot \
 && mkdir -p /out/data/docs

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/qabot /usr/local/bin/qabot
COPY --from=build --chown=65532:65532 /out/data /data
ENV QABOT_DATA=/data
VOLUME ["/data"]
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/qabot"]
CMD ["--help"]
