// What surrounds hookme in an end-to-end test: a data directory, a fake GitHub and a webhook
// receiver on loopback, all new for each test function.
#pragma once

#include "fakegithub.h"
#include "webhookreceiver.h"

#include <QMap>
#include <QString>
#include <QTemporaryDir>

struct EndToEndServers {
    QTemporaryDir dataDir;
    FakeGitHub github;
    WebhookReceiver receiver;

    // Starts both servers; false when the directory or a server is unavailable.
    bool start();

    // Settings for hookme against these servers: tasks run at once and retry quickly.
    QMap<QString, QString> settings(const QMap<QString, QString> &overrides = {}) const;
};
