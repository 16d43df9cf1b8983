// One HTTP answer of the loopback test servers (the fake GitHub and the webhook receiver), written
// at once or after a delay. A delayed answer is dropped quietly when the client has gone away in
// the meantime: on Qt 6.4.2 writing to a responder whose socket was closed crashes.
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

class QHttpServerResponder;
class QObject;

namespace hookme::test {

struct ServerAnswer {
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;  // Content-Length is added when writing
    QByteArray body;

    void addHeader(const QByteArray &name, const QByteArray &value);

    // Writes the answer now (delayMs <= 0) or from a timer owned by `owner` after delayMs.
    void send(QHttpServerResponder &&responder, int delayMs, QObject *owner) const;

    // Drops the delayed answers still pending for `owner`. Owners call this before they destroy
    // their QHttpServer, so that no responder outlives its server.
    static void dropPending(QObject *owner);

    // Writes status line, headers, Content-Length (except for 1xx, 204 and 304) and body.
    void writeTo(QHttpServerResponder &responder) const;
};

} // namespace hookme::test
