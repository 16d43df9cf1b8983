// Runs the real hookme binary for end-to-end tests: with the given settings, on a free port,
// over a data directory that outlives a restart, and killable with SIGKILL.
#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QString>
#include <QUrl>

struct HttpAnswer {
    int status = 0;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QByteArray header(const QByteArray &name) const;
};

class HookmeProcess
{
public:
    // `dataDir` keeps the database across restarts of this object's process.
    HookmeProcess(const QString &dataDir, const QMap<QString, QString> &settings);
    ~HookmeProcess();

    // Starts the binary and waits until it listens. False (with the output logged) on failure.
    bool start();
    // SIGKILL: no chance to clean up, as in a crash.
    void kill();
    // SIGTERM, then waits for the exit code.
    int terminate();

    QUrl url(const QString &path) const;
    QString output() const;  // everything the process wrote so far

    HttpAnswer get(const QString &path);
    HttpAnswer postJson(const QString &path, const QByteArray &body,
                        const QByteArray &contentType = "application/json");
    // POST {"username": owner, "repository": repository}
    HttpAnswer submit(const QString &owner, const QString &repository);

private:
    HttpAnswer send(const QByteArray &method, const QString &path, const QByteArray &body,
                    const QByteArray &contentType);

    QString m_dataDir;
    QMap<QString, QString> m_settings;
    QProcess m_process;
    QByteArray m_output;
    quint16 m_port = 0;
    QNetworkAccessManager m_network;
};
