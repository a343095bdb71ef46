package stacklab.hadoop;

import java.util.Collections;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.http.FilterContainer;
import org.apache.hadoop.http.FilterInitializer;

/** Puts {@link ReadOnlyWebFilter} in front of every page of a Hadoop web server
 * (hadoop.http.filter.initializers). */
public final class ReadOnlyWebFilterInitializer extends FilterInitializer {
  @Override
  public void initFilter(FilterContainer container, Configuration conf) {
    container.addGlobalFilter("stacklab-read-only", ReadOnlyWebFilter.class.getName(), Collections.emptyMap());
  }
}
