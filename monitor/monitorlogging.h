// The monitor application's one logging category, "hookme.monitorapp".
#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcMonitorApp)
