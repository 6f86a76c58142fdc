import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Router } from 'wouter';
import { meKey } from './api/account';
import { isUnauthenticated } from './api/client';
import { App } from './components/App';
import './styles.css';

const client: QueryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      retry: (count, error) => !isUnauthenticated(error) && count < 2,
    },
  },
  queryCache: new QueryCache({
    // A session that ends mid-way sends everyone back to sign-in.
    onError: (error, query) => {
      if (isUnauthenticated(error) && query.queryKey[0] !== meKey[0]) {
        client.invalidateQueries({ queryKey: meKey });
      }
    },
  }),
});

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <Router base="/app">
        <App />
      </Router>
    </QueryClientProvider>
  </StrictMode>,
);
