// How the monitor writes times, durations and tasks for people. Local time; plain words.
#pragma once

#include "monitorprotocol.h"

#include <QString>

namespace hookme::monitorapp {

// "17:24:38" today, "Dec 3 17:24:38" on another day.
QString clockText(qint64 ms, qint64 nowMs);
// "in 42 s", "in 3 min 05 s", "in 2 h 10 min"; "due now" at or after the time.
QString countdownText(qint64 targetMs, qint64 nowMs);
// "850 ms", "4.2 s", "3 min 05 s", "2 h 10 min".
QString durationText(qint64 ms);
// "octo-org/hello-world".
QString repositoryText(const QString &owner, const QString &repository);
// "attempt 2 of 4": the attempt running or due next; "3 attempts" for a finished task.
QString attemptText(const hookme::monitor::TaskInfo &task);

} // namespace hookme::monitorapp
