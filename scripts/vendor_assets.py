"""Copy the npm-installed front-end assets into the app's static folder, so the app serves them itself.

Government intranets are offline and our CSP is `script-src 'self'`: no page may load a script from a CDN.
`npm ci` installs the exact versions pinned in package.json / package-lock.json; this script copies the
built files (and their licence texts) to src/tuijin/web/static/vendor/ (gitignored), where templates load
them with `{% static 'vendor/echarts.min.js' %}`. htmx comes from django-htmx's bundled copy
(`{% htmx_script %}`), so it is not copied here.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "tuijin" / "web" / "static" / "vendor"

# npm package → (files to copy as {source inside the package: name in vendor/}, required major version)
PACKAGES = {
    "echarts": ({"dist/echarts.min.js": "echarts.min.js", "LICENSE": "echarts.LICENSE.txt"}, 6),
}


def vendor(root: Path = ROOT, target: Path = TARGET) -> list[Path]:
    """Copy every asset; raise SystemExit with a one-line message when a package is missing or the wrong major."""
    copied = []
    target.mkdir(parents=True, exist_ok=True)
    for package, (files, major) in PACKAGES.items():
        folder = root / "node_modules" / package
        manifest = folder / "package.json"
        if not manifest.exists():
            raise SystemExit(f"missing node_modules/{package}: run `npm ci` first")
        version = json.loads(manifest.read_text(encoding="utf-8"))["version"]
        if int(version.split(".")[0]) != major:
            raise SystemExit(f"node_modules/{package} is {version}, expected {major}.x: run `npm ci`")
        for source, name in files.items():
            path = folder / source
            if not path.exists():
                raise SystemExit(f"missing node_modules/{package}/{source}: run `npm ci` again")
            shutil.copyfile(path, target / name)
            copied.append(target / name)
    return copied


def main() -> int:
    copied = vendor()
    print(f"vendored {len(copied)} files into {TARGET.relative_to(ROOT)}: "
          + ", ".join(p.name for p in copied))
    return 0


if __name__ == "__main__":
    sys.exit(main())
