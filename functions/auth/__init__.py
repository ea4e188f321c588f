"""Who may call the API: the principal (an agent or a partner and its hotels), ID token
verification and partner API keys.

Import the submodules you need (``auth.principal``, ``auth.tokens``, ``auth.keys``): this
package imports nothing itself, so the authorizer loads PyJWT only on its token path.
"""
