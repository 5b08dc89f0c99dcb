#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>

namespace vitrina::server::http {

// An HTTP answer read off the wire.
struct RawResponse {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
};

// Sends `request` byte for byte on a new connection to 127.0.0.1:`port` and reads until the
// server closes it (so the request should say `Connection: close`). For requests an HTTP client
// library would change, e.g. one without a Content-Type: httplib's client adds text/plain.
inline RawResponse RawExchange(int port, std::string_view request) {
  RawResponse response;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    ADD_FAILURE() << "socket() failed";
    return response;
  }
  timeval timeout{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ADD_FAILURE() << "cannot connect to port " << port;
    close(fd);
    return response;
  }
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string received;
  char buffer[16384];
  for (ssize_t n; (n = recv(fd, buffer, sizeof(buffer), 0)) > 0;) received.append(buffer, static_cast<size_t>(n));
  close(fd);

  const size_t head_end = received.find("\r\n\r\n");
  if (!received.starts_with("HTTP/1.1 ") || head_end == std::string::npos) {
    ADD_FAILURE() << "not an HTTP answer: '" << received.substr(0, 200) << "'";
    return response;
  }
  response.status = std::atoi(received.c_str() + 9);
  response.head = received.substr(0, head_end);
  response.body = received.substr(head_end + 4);
  return response;
}

// A POST of `body` with the given headers (each "Name: value\r\n"), Content-Length, and
// Connection: close.
inline std::string RawPost(std::string_view path, std::string_view headers, std::string_view body) {
  return std::string("POST ") + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + std::string(headers) +
         "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + std::string(body);
}

}  // namespace vitrina::server::http
