#include "monitorconnection.h"

#include "monitorlogging.h"

using namespace Qt::StringLiterals;
using namespace hookme::monitor;

namespace hookme::monitorapp {

MonitorConnection::MonitorConnection(const QString &socketName, QObject *parent)
    : QObject(parent), m_socketName(socketName)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &MonitorConnection::connectNow);
    connect(&m_socket, &QLocalSocket::readyRead, this, &MonitorConnection::read);
    connect(&m_socket, &QLocalSocket::disconnected, this,
            [this] { lost(u"the service closed the connection"_s); });
    connect(&m_socket, &QLocalSocket::errorOccurred, this, [this] {
        // A refused or missing socket means the service is not running (yet, or any more).
        if (m_socket.state() != QLocalSocket::ConnectedState)
            lost(m_socket.errorString());
    });
}

MonitorConnection::~MonitorConnection()
{
    // The socket, a member, says "disconnected" as it goes; by then the timer that lost()
    // would start is gone.
    m_socket.disconnect(this);
}

void MonitorConnection::setRetryDelays(int initialDelayMs, int maxDelayMs)
{
    m_initialDelayMs = initialDelayMs;
    m_maxDelayMs = maxDelayMs;
    m_nextDelayMs = initialDelayMs;
}

void MonitorConnection::start()
{
    if (m_state != State::Idle)
        return;
    m_nextDelayMs = m_initialDelayMs;
    connectNow();
}

void MonitorConnection::stop()
{
    m_retryTimer.stop();
    setState(State::Idle);  // first, so that the disconnection below is not "lost"
    m_socket.abort();
}

bool MonitorConnection::send(const Command &command)
{
    if (m_state != State::Connected)
        return false;
    m_socket.write(encode(command));
    return true;
}

void MonitorConnection::connectNow()
{
    m_framer.clear();
    setState(State::Connecting);
    m_socket.abort();
    m_socket.connectToServer(m_socketName);
}

void MonitorConnection::read()
{
    m_framer.append(m_socket.readAll());
    QByteArray line;
    for (;;) {
        const LineFramer::Status status = m_framer.next(&line);
        if (status == LineFramer::Status::Incomplete)
            return;
        if (status == LineFramer::Status::TooLong) {
            lost(u"the service sent a line over %1 bytes"_s.arg(maxServiceLineBytes));
            return;
        }

        DecodeResult decoded = decode(line);
        if (!decoded.ok()) {
            switch (decoded.error.kind) {
            case DecodeError::Kind::UnknownType:
                qCDebug(lcMonitorApp).noquote() << "skipping:" << decoded.error.message;
                continue;
            case DecodeError::Kind::UnsupportedVersion:
                lost(u"the service speaks another protocol: %1"_s.arg(decoded.error.message));
                return;
            case DecodeError::Kind::InvalidJson:
            case DecodeError::Kind::InvalidField:
                qCWarning(lcMonitorApp).noquote() << "ignoring a line:" << decoded.error.message;
                continue;
            }
        }

        if (std::holds_alternative<Snapshot>(*decoded.message)) {
            m_nextDelayMs = m_initialDelayMs;  // this connection works: start over next time
            m_lastError.clear();
            setState(State::Connected);
        }
        emit messageReceived(*decoded.message);
        if (m_state != State::Connected && m_state != State::Connecting)
            return;  // a receiver stopped us
    }
}

void MonitorConnection::lost(const QString &reason)
{
    if (m_state == State::Idle || m_state == State::Waiting)
        return;
    m_lastError = reason;
    qCInfo(lcMonitorApp).noquote() << u"not connected to %1: %2; trying again in %3 ms"_s.arg(
            m_socketName, reason).arg(m_nextDelayMs);

    m_retryDelayMs = m_nextDelayMs;
    m_nextDelayMs = std::min(m_nextDelayMs * 2, m_maxDelayMs);
    setState(State::Waiting);
    m_socket.abort();
    m_retryTimer.start(m_retryDelayMs);
}

void MonitorConnection::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

} // namespace hookme::monitorapp
