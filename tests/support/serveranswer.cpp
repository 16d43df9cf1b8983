// Writes the answers of the loopback test servers, at once or after a delay (see serveranswer.h).
#include "serveranswer.h"

#include <QHttpServerResponder>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <utility>

namespace hookme::test {

namespace {

// Holds a responder until its timer fires; a child of the server's owner, so that the owner can
// drop it before the server goes away.
class PendingAnswer : public QObject
{
public:
    PendingAnswer(QHttpServerResponder &&responder, ServerAnswer answer, int delayMs,
                  QObject *owner)
        : QObject(owner)
        , m_responder(std::move(responder))
        , m_socket(m_responder.socket())
        , m_answer(std::move(answer))
    {
        m_timer.setSingleShot(true);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] { fire(); });
        m_timer.start(delayMs);
    }

private:
    void fire()
    {
        if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState)
            m_answer.writeTo(m_responder);

        deleteLater();
    }

    QHttpServerResponder m_responder;
    QPointer<QTcpSocket> m_socket;
    ServerAnswer m_answer;
    QTimer m_timer;
};

} // namespace

void ServerAnswer::addHeader(const QByteArray &name, const QByteArray &value)
{
    headers.append(qMakePair(name, value));
}

void ServerAnswer::send(QHttpServerResponder &&responder, int delayMs, QObject *owner) const
{
    if (delayMs <= 0) {
        writeTo(responder);
        return;
    }

    new PendingAnswer(std::move(responder), *this, delayMs, owner);
}

void ServerAnswer::dropPending(QObject *owner)
{
    const QList<QObject *> children = owner->children();
    for (QObject *child : children) {
        if (auto *pending = dynamic_cast<PendingAnswer *>(child))
            delete pending;
    }
}

void ServerAnswer::writeTo(QHttpServerResponder &responder) const
{
    const bool bodyless = (status >= 100 && status < 200) || status == 204 || status == 304;

    responder.writeStatusLine(QHttpServerResponder::StatusCode(status));
    for (const auto &[name, value] : headers)
        responder.writeHeader(name, value);
    if (!bodyless)
        responder.writeHeader("Content-Length", QByteArray::number(body.size()));

    responder.writeBody(bodyless ? QByteArray() : body);
}

} // namespace hookme::test
