package stacklab.hadoop;

import java.io.IOException;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Lets only GET and HEAD through. YARN's web servers otherwise accept PUT and POST on their REST
 * API without authentication (kill an application, move it to another queue, change its priority),
 * and anyone who reaches the port could use them. Clients change the cluster over RPC instead.
 */
public final class ReadOnlyWebFilter implements Filter {
  @Override
  public void init(FilterConfig config) {}

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String method = ((HttpServletRequest) request).getMethod();
    if ("GET".equals(method) || "HEAD".equals(method)) {
      chain.doFilter(request, response);
      return;
    }
    HttpServletResponse http = (HttpServletResponse) response;
    http.setHeader("Allow", "GET, HEAD");
    http.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "this web server is read-only (stacklab)");
  }

  @Override
  public void destroy() {}
}
