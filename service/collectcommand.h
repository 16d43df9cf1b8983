// `hookme collect OWNER/REPO`: one collection, printed as the report JSON on stdout, with no
// server and nothing written to disk. Progress (pages fetched, requests used) goes to stderr.
// It serves scripts, and checking a repository by hand.
#pragma once

#include "settings.h"

#include <QString>

namespace hookme {

// Runs the collection in the application's event loop and returns the exit code: 0 with the
// report printed, 1 when the collection failed, 2 for a malformed OWNER/REPO.
int runCollectCommand(const Settings &settings, const QString &ownerAndRepository);

} // namespace hookme
