//! `/api/users/*`: the current user and their API token.

use crate::client::{NativeApi, Request};
use crate::error::{Error, Result};
use crate::models::common::Message;
use crate::models::users::{AuthenticatedUser, RecreatedToken, TokenExpiration};

impl NativeApi {
    fn require_token(&self, what: &str) -> Result<()> {
        if self.token().is_none() {
            return Err(Error::InvalidArgument(format!(
                "{what} needs an API token; none is configured"
            )));
        }
        Ok(())
    }

    /// The user the API token belongs to.
    ///
    /// Endpoint: `GET /api/users/:me`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let user = api.get_user().await?;
    /// println!("{:?} {:?}", user.display_name, user.email);
    /// # Ok(()) }
    /// ```
    pub async fn get_user(&self) -> Result<AuthenticatedUser> {
        self.execute(Request::get("users").seg(":me")).await
    }

    /// When the API token expires. The token itself is redacted from the message.
    ///
    /// Endpoint: `GET /api/users/token`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let expiration = api.get_user_api_token_expiration_date().await?;
    /// println!("{}", expiration.message);
    /// # Ok(()) }
    /// ```
    pub async fn get_user_api_token_expiration_date(&self) -> Result<TokenExpiration> {
        self.require_token("reading the token's expiry")?;
        let message = self
            .execute_message(Request::get("users").seg("token"))
            .await?;
        Ok(TokenExpiration::from_message(&message))
    }

    /// Replace the API token with a new one; the old token stops working at once, so build
    /// a new client with [`RecreatedToken::token`]. Never retried once sent.
    ///
    /// Endpoint: `POST /api/users/token/recreate?returnExpiration=true`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let recreated = api.recreate_user_api_token().await?;
    /// println!("{}", recreated.message); // the token itself is redacted here
    /// let new_token = recreated.token.expect("the server returned a token");
    /// let api = dataverse_client::NativeApi::builder(api.base_url().as_str()).api_token(new_token).build()?;
    /// # Ok(()) }
    /// ```
    pub async fn recreate_user_api_token(&self) -> Result<RecreatedToken> {
        self.require_token("recreating the token")?;
        let req = Request::post("users")
            .seg("token")
            .seg("recreate")
            .query("returnExpiration", "true");
        let message = self.execute_message(req).await?;
        Ok(RecreatedToken::from_message(&message))
    }

    /// Delete the API token; it stops working at once. Never retried once sent.
    ///
    /// Endpoint: `DELETE /api/users/token`
    ///
    /// ```no_run
    /// # async fn demo(api: dataverse_client::NativeApi) -> dataverse_client::Result<()> {
    /// let deleted = api.delete_user_api_token().await?;
    /// println!("{}", deleted.message);
    /// # Ok(()) }
    /// ```
    pub async fn delete_user_api_token(&self) -> Result<Message> {
        self.require_token("deleting the token")?;
        let mut req = Request::delete("users").seg("token");
        // A second DELETE would present the deleted token and fail with 401.
        req.idempotent = false;
        let message = self.execute_message(req).await?;
        Ok(Message { message })
    }
}
