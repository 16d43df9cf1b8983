#include "monitorlogging.h"

Q_LOGGING_CATEGORY(lcMonitorApp, "hookme.monitorapp", QtInfoMsg)
