#!/usr/bin/env bash
# The project's test command: installs what the tests need from the project's own files (Azurite from
# package-lock.json; Chromium and LibreOffice Calc from Debian's packages; the Bicep CLI arrives with `dotnet restore` from
# NuGet), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/azurite ] || [ ! -f node_modules/echarts/package.json ]; then
  npm ci --no-audit --no-fund
fi
# The dashboard test opens the page in real headless Chromium (Debian's package); a CJK font makes its
# screenshot legible (without one, Chinese shows as boxes; the test itself does not depend on it).
if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei >/dev/null
  else
    echo "The dashboard test needs Chromium at /usr/bin/chromium: sudo apt-get install chromium" >&2
  fi
fi
# The template test opens a filled-in template in headless LibreOffice Calc and saves it again (Debian's package).
if [ ! -x /usr/bin/soffice ] && [ -z "${SOFFICE_PATH:-}" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
  else
    echo "The template test needs LibreOffice Calc at /usr/bin/soffice: sudo apt-get install libreoffice-calc-nogui" >&2
  fi
fi
dotnet test ReportingPipeline.Local.slnf --configuration Release "$@"
