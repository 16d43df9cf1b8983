#include "protocolclient.h"

using namespace hookme::monitor;

ProtocolClient::ProtocolClient(QObject *parent) : QObject(parent)
{
    connect(&m_socket, &QLocalSocket::readyRead, this, &ProtocolClient::read);
    connect(&m_socket, &QLocalSocket::disconnected, this, [this] { m_disconnected = true; });
}

ProtocolClient::~ProtocolClient()
{
    m_socket.disconnect(this);  // it signals as it goes, after the other members
}

void ProtocolClient::connectTo(const QString &name)
{
    m_socket.connectToServer(name);
}

void ProtocolClient::send(const Message &message)
{
    sendRaw(encode(message));
}

void ProtocolClient::sendRaw(const QByteArray &bytes)
{
    m_socket.write(bytes);
}

QStringList ProtocolClient::types() const
{
    QStringList names;
    for (const Message &message : m_messages)
        names.append(typeName(message));
    return names;
}

void ProtocolClient::read()
{
    m_framer.append(m_socket.readAll());
    QByteArray line;
    while (m_framer.next(&line) == LineFramer::Status::Line) {
        DecodeResult decoded = decode(line);
        if (decoded.ok())
            m_messages.append(std::move(*decoded.message));
        else
            m_decodeErrors.append(decoded.error.message);
    }
}
