# CPU image: Node 22, the Python venv for Chroma, and the default models fetched at build time.
FROM node:22-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV UNDERSTUDY_CACHE=/var/cache/understudy UNDERSTUDY_DATA_DIR=/data
RUN bash deploy/setup.sh
VOLUME ["/data"]
EXPOSE 3000 8080
ENTRYPOINT ["node", "bin/understudy.js"]
CMD ["serve"]
