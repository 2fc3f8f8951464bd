#!/usr/bin/env bash
# macOS: check "KWS Workbench.app" (built by `python packaging/build.py bundle` into dist/), smoke-test it and
# pack it into a drag-to-Applications .dmg. Runs on macOS only (hdiutil, codesign, xcrun).
#
#   packaging/macos/make_dmg.sh [dist-dir]
#
# Signing happens in the build: PyInstaller signs every binary of the .app, with the hardened runtime and
# entitlements.plist when MACOS_SIGN_IDENTITY was set for `build.py bundle` (e.g. "Developer ID Application:
# Name (TEAMID)", the certificate in the keychain), ad hoc otherwise. With both MACOS_SIGN_IDENTITY and
# MACOS_NOTARY_PROFILE (a `xcrun notarytool store-credentials` profile) set here, the .dmg is signed, notarized
# and stapled. An ad-hoc signed app runs where it was built, and elsewhere once the user allows it in
# System Settings > Privacy & Security (Gatekeeper): fine for CI artefacts and testing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dist="${1:-$root/dist}"
app="$dist/KWS Workbench.app"
version="$(cd "$root" && python -c 'import workbench; print(workbench.__version__)')"
arch="$(uname -m)"
dmg="$dist/kws-workbench-$version-macos-$arch.dmg"

[ "$(uname -s)" = "Darwin" ] || { echo "make_dmg.sh: macOS only" >&2; exit 2; }
[ -d "$app" ] || { echo "make_dmg.sh: $app is missing: run python packaging/build.py bundle first" >&2; exit 2; }

codesign --verify --deep --strict --verbose=1 "$app"

# The smoke tests of the packaged app, as on Linux: version, and the headless self-test.
"$app/Contents/MacOS/kws" --version
"$app/Contents/MacOS/kws-workbench" --self-test

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "KWS Workbench $version" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ] && [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
    codesign --sign "$MACOS_SIGN_IDENTITY" --timestamp "$dmg"
    xcrun notarytool submit "$dmg" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
fi
echo "$dmg  $(du -h "$dmg" | cut -f1)"
