# syntax=docker/dockerfile:1
# Build: docker build -t congkhai .
# Run:   docker run -p 8080:8080 -v congkhai-data:/data congkhai
#        (mount your content folder and add: -v $PWD/site:/content -e CONGKHAI_CONTENT=/content)
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/congkhai ./cmd/congkhai \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/congkhai /congkhai
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV CONGKHAI_ADDR=0.0.0.0:8080 CONGKHAI_DATA=/data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 CMD ["/congkhai", "health"]
ENTRYPOINT ["/congkhai"]
CMD ["serve"]
